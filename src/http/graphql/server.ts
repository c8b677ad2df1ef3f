import { readFileSync } from 'node:fs';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { useGraphQlJit } from '@envelop/graphql-jit';
import type { ExecutionArgs, ExecutionResult, GraphQLError } from 'graphql';
import { createSchema, createYoga, isAsyncIterable, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { IResolvers } from '@graphql-tools/utils';
import type { Authenticator } from '../../auth/authenticate.ts';
import type { AuthGuard } from '../rateLimits.ts';
import type { SubscriptionLimits } from '../../config.ts';
import { isAppError } from '../../domain/errors.ts';
import type { Metrics } from '../../metrics.ts';
import { createContext, type GraphQLContext, type InternalContext } from './context.ts';
import { createMaskError, toGraphQLError } from './errors.ts';
import { renderGraphiQL } from './graphiql.ts';
import { limitPlugins } from './limits.ts';
import { catalogResolvers, type GarmentCatalog } from './resolvers/catalog.ts';
import { enumResolvers } from './resolvers/enums.ts';
import { DateTime, JSON as JSONScalar } from './resolvers/scalars.ts';
import { sharedSubscribe, sharedSubscriptionExecution } from './sharedExecution.ts';
import { maskResult, SubscriptionTracker } from './subscriptions.ts';
import { inputGuard, inputProblems, inputProblemsResult, variableErrorsGuard } from './inputGuard.ts';

/** The SDL of contract section 4, schema-first. */
export const typeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

export interface GraphQLDeps {
  readonly authenticator: Authenticator;
  /** The authenticator with failures counted per client address (HTTP, SSE, WebSocket connections). */
  readonly authGuard: AuthGuard;
  readonly metrics: Pick<Metrics, 'subscriptionOpened' | 'graphqlAnsweredDirectly'>;
  readonly garments: GarmentCatalog;
  /** Resolvers for the order queries, mutations and subscriptions, merged over the built-in ones. */
  readonly resolvers?: readonly IResolvers[];
  readonly introspection: boolean;
  /** See AppDeps.graphiqlHeaders. */
  readonly graphiqlHeaders?: () => Promise<string>;
  /** Caps on sockets, streams and subscriptions (WS_*, SSE_*); unset: none (unit tests). */
  readonly limits?: SubscriptionLimits;
  readonly log: FastifyBaseLogger;
}

export type ServerContext = { readonly req: FastifyRequest; readonly reply: FastifyReply } | InternalContext;

export interface GraphQLServer {
  readonly yoga: YogaServerInstance<ServerContext, GraphQLContext>;
  readonly subscriptions: SubscriptionTracker;
  /** Yoga's mask for errors, for answers given beside yoga (fastQueries). */
  readonly maskError: (error: unknown, message: string) => Error;
  /**
   * A subscription as the WebSocket transport runs it (after yoga's parse, validation and
   * context): the shared execution and the tracker, each error masked as yoga masks it, but
   * without envelop's per-result hooks. Yoga's error masking wraps every result stream twice
   * (a mapped iterator for errors in results, another for errors thrown), and those two layers
   * were a fifth of everything the server allocated per delivery under the GraphQL bench.
   * SSE keeps yoga's own path.
   */
  subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;
}

/** GraphiQL's first tab: a query that runs as it stands, signed in or not. */
export const GRAPHIQL_QUERY = `# Ctrl-Enter runs it. Without a token (the Headers tab), viewer is null and orders refused.
{
  viewer { id isOperator }
  garments { id title price sizes }
  routeStops { id label }
}
`;

/** With the dev customer's token in the Headers tab, the first tab also shows their orders. */
export const GRAPHIQL_SIGNED_IN_QUERY = `# Ctrl-Enter runs it, as the development customer (their token is in the Headers tab).
{
  viewer { id isOperator }
  garments { id title price sizes }
  orders(first: 5) { edges { node { id reference statusLabel etaDays } } }
}
`;

function graphiqlOptions(headers: (() => Promise<string>) | undefined) {
  const title = 'Production orders';
  if (!headers) return { title, defaultQuery: GRAPHIQL_QUERY };
  return async () => ({ title, defaultQuery: GRAPHIQL_SIGNED_IN_QUERY, headers: await headers() });
}

/** Yoga's default text for a masked error. */
const MASKED_MESSAGE = 'Unexpected error.';

export function createGraphQLServer(deps: GraphQLDeps): GraphQLServer {
  const subscriptions = new SubscriptionTracker(
    deps.metrics,
    deps.limits ? { maxPerUser: deps.limits.sseMaxStreamsPerUser, maxInAll: deps.limits.sseMaxStreams } : undefined,
  );
  const schema = createSchema<ServerContext & GraphQLContext>({
    typeDefs,
    resolvers: [
      { DateTime, JSON: JSONScalar },
      enumResolvers,
      catalogResolvers({ garments: deps.garments }),
      ...(deps.resolvers ?? []),
    ],
  });
  const log = deps.log;
  const maskError = createMaskError((error) => log.error({ err: error }, 'unexpected GraphQL error'), {
    hideSuggestions: !deps.introspection,
  });
  const shared = sharedSubscribe();
  // As yoga's own plugin does, an abort is never masked.
  const maskSubscriptionError = (error: unknown): Error =>
    error instanceof Error && error.name === 'AbortError' ? error : maskError(error, MASKED_MESSAGE);
  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // CORS is the app's, the same allow-list on every path (src/http/cors.ts); yoga's own
    // default reflected any origin, `null` included, with credentials.
    cors: false,
    // Served from this origin, under the CSP (graphiql.ts), not from a CDN.
    renderGraphiQL,
    // One operation per request: batching multiplies every other limit.
    batching: false,
    graphiql: deps.introspection ? graphiqlOptions(deps.graphiqlHeaders) : false,
    maskedErrors: { maskError },
    logging: {
      debug: (...args: unknown[]) => log.debug(args.map(String).join(' ')),
      info: (...args: unknown[]) => log.info(args.map(String).join(' ')),
      warn: (...args: unknown[]) => log.warn(args.map(String).join(' ')),
      error: (...args: unknown[]) => log.error(args.map(String).join(' ')),
    },
    // sharedSubscriptionExecution sets the subscribe function: it stays last.
    plugins: [
      ...limitPlugins({ introspection: deps.introspection }),
      inputGuard(),
      variableErrorsGuard(),
      compiledQueries(),
      subscriptions.plugin(),
      sharedSubscriptionExecution(shared),
    ],
    context: async (initial) => {
      // WebSocket operations arrive with their context already built (authenticated at subscribe).
      if ('transport' in initial) return initial;
      const request = initial.request;
      const transport = request.headers.get('accept')?.includes('text/event-stream') ? 'sse' : 'http';
      try {
        const viewer = await deps.authGuard.authenticate(initial.req.ip, request.headers.get('authorization'));
        return createContext(viewer, transport, deps.authenticator, initial.req.ip);
      } catch (error) {
        // A bad token fails the whole request with 401 (429 past the address's budget of failures), before any resolver runs.
        throw isAppError(error) ? toGraphQLError(error, undefined, { httpStatus: true }) : error;
      }
    },
  });
  return {
    yoga,
    subscriptions,
    maskError,
    async subscribe(args) {
      // The WebSocket's subscriptions skip envelop's onSubscribe: the input guard runs here for them.
      const problems = inputProblems(args.document, args.variableValues);
      if (problems.length > 0) return inputProblemsResult(problems);
      const result = await shared(args).catch((error: unknown) => ({
        errors: [maskSubscriptionError(error) as GraphQLError],
      }));
      if (!isAsyncIterable(result)) return maskResult(result, maskSubscriptionError);
      return subscriptions.track(result, args.contextValue as InternalContext, maskSubscriptionError);
    },
  };
}

/**
 * Queries and mutations run as graphql-jit compiles them, once per document: graphql-js's
 * executor walked the selection field by field on every request and was most of an `order(id)`
 * request's CPU. Subscriptions keep graphql-js (their subscribe function is
 * sharedSubscriptionExecution's), so only onExecute is taken.
 */
function compiledQueries(): Plugin {
  const { onExecute } = useGraphQlJit(JIT_OPTIONS);
  return { onExecute };
}

export const JIT_OPTIONS = {
  // Views carry instants as toISOString() text already: parsing and re-printing each was a
  // visible share of a response. Anything else goes through the scalar as before.
  customSerializers: {
    DateTime: (value: unknown) =>
      typeof value === 'string' && CANONICAL_INSTANT.test(value) ? value : DateTime.serialize(value),
  },
};

/** What `Date.prototype.toISOString()` prints for years 0000-9999. */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Yoga's answer as fastify should send it. A whole body (a query's JSON, GraphiQL) goes as its
 * text: handing fastify the Response made it turn the text into a web stream and pipe that, per
 * request. Streams (SSE, multipart) and bodiless answers still go as the Response itself.
 */
export async function replyPayload(response: Response, reply: FastifyReply): Promise<Response | string> {
  const type = response.headers.get('content-type') ?? '';
  if (
    response.status < 200 ||
    response.status === 204 ||
    response.status === 304 ||
    type.startsWith('text/event-stream') ||
    type.startsWith('multipart/')
  ) {
    return response;
  }
  reply.code(response.status);
  response.headers.forEach((value, name) => {
    reply.header(name, value);
  });
  return response.text();
}

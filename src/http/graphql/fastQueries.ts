/**
 * Fast path, see docs/adr/0003-graphql-fast-path.md. Replaces, for a POSTed JSON query only, yoga's
 * fetch-API handling (`yoga.handleNodeRequestAndResponse`: a web Request in, a web Response out),
 * which was about a third of an `order(id)` request's CPU. Answers byte for byte as yoga would
 * (test/http/graphql/direct-answers.e2e.spec.ts); anything else is left to yoga.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getOperationAST, OperationTypeNode, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { processRegularResult, type YogaServerInstance } from 'graphql-yoga';
import type { Authenticator } from '../../auth/authenticate.ts';
import type { AuthGuard } from '../rateLimits.ts';
import { queryContext, type GraphQLContext } from './context.ts';
import { GRAPHQL_LIMITS } from './limits.ts';
import { JIT_OPTIONS, replyPayload, type ServerContext } from './server.ts';
import { inputProblems, inputProblemsResult, variableErrorsAsBadInput } from './inputGuard.ts';

type Yoga = YogaServerInstance<ServerContext, GraphQLContext>;
/** What yoga's envelop hands out, typed as we use it. */
interface Enveloped {
  readonly parse: (source: string) => DocumentNode;
  readonly validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
  readonly schema: GraphQLSchema;
}
type MaskError = (error: unknown, message: string) => Error;
/** A compiled query with the document it came from (for the input guard). */
type Compiled = CompiledQuery & { readonly document: DocumentNode };

/** Documents kept compiled, by operation name and text; real clients send a few dozen. */
const MAX_DOCUMENTS = 500;
/** A query yoga itself must answer: it failed to parse or validate, or is not a query. */
const ANSWERED_BY_YOGA = 'yoga';

/**
 * The common case of `/graphql`, a POST of JSON `{ query, variables?, operationName? }` whose
 * operation is a query, answered without yoga's fetch-API layer: the request is not turned into
 * a web Request, nor the answer into a web Response. Those layers were about a third of an
 * `order(id)` request's CPU.
 *
 * It answers exactly as yoga would, and is held to that by a test that sends every variant to
 * both: the same limits (the document is parsed and validated once, by yoga's own envelop with
 * graphql-armor, and kept), the same context, graphql-jit as yoga runs it, yoga's mask on
 * errors, yoga's media-type choice (CORS headers are the app's, the same on every path).
 * Anything else (GET, mutations, subscriptions, SSE, extensions, a document with errors, a token
 * that fails, an address past its budget of failed authentications) returns `undefined` before
 * anything ran, and yoga answers it.
 */
export function fastQueries(
  yoga: Yoga,
  deps: {
    readonly authenticator: Authenticator;
    readonly authGuard: AuthGuard;
    readonly maskError: MaskError;
    readonly answered: () => void;
  },
) {
  const { authenticator, maskError } = deps;
  const documents = new Map<string, Compiled | typeof ANSWERED_BY_YOGA>();

  function compiled(query: string, operationName: string | undefined): Compiled | typeof ANSWERED_BY_YOGA {
    const key = `${operationName ?? ''}\0${query}`;
    let entry = documents.get(key);
    if (entry === undefined) {
      entry = compile(query, operationName);
      if (documents.size >= MAX_DOCUMENTS) documents.delete(documents.keys().next().value!);
      documents.set(key, entry);
    }
    return entry;
  }

  function compile(query: string, operationName: string | undefined): Compiled | typeof ANSWERED_BY_YOGA {
    // Yoga's own parse and validate: its parser cache, graphql-armor's limits, introspection.
    const { parse, validate, schema } = yoga.getEnveloped({}) as unknown as Enveloped;
    try {
      const document = parse(query);
      if (validate(schema, document).length > 0) return ANSWERED_BY_YOGA;
      if (getOperationAST(document, operationName)?.operation !== OperationTypeNode.QUERY) return ANSWERED_BY_YOGA;
      const result = compileQuery(schema, document, operationName, JIT_OPTIONS);
      return isCompiledQuery(result) ? Object.assign(result, { document }) : ANSWERED_BY_YOGA;
    } catch {
      return ANSWERED_BY_YOGA;
    }
  }

  /** Clients send a handful of accept headers, over and over. */
  const mediaTypes = new Map<string | undefined, ReturnType<typeof regularMediaType>>();
  function mediaTypeOf(accept: string | undefined): ReturnType<typeof regularMediaType> {
    let mediaType = mediaTypes.get(accept);
    if (mediaType === undefined && !mediaTypes.has(accept)) {
      mediaType = regularMediaType(accept);
      if (mediaTypes.size >= MAX_DOCUMENTS) mediaTypes.clear();
      mediaTypes.set(accept, mediaType);
    }
    return mediaType;
  }

  return async function answer(request: FastifyRequest, reply: FastifyReply): Promise<string | Response | undefined> {
    if (request.method !== 'POST' || !request.headers['content-type']?.startsWith('application/json')) return undefined;
    const params = plainParams(request.body);
    if (!params) return undefined;
    const mediaType = mediaTypeOf(request.headers.accept);
    if (!mediaType) return undefined;
    const query = compiled(params.query, params.operationName);
    if (query === ANSWERED_BY_YOGA) return undefined;
    // Past the budget yoga answers the 429; a failure is left to yoga too, which counts it once.
    if (deps.authGuard.blocked(request.ip)) return undefined;
    let viewer;
    try {
      viewer = await authenticator.authenticate(request.headers.authorization);
    } catch {
      return undefined; // yoga answers 401 in GraphQL's shape
    }
    // Yoga's inputGuard, which this path skips with the rest of envelop's execute.
    const problems = inputProblems(query.document, params.variables);
    const result =
      problems.length > 0
        ? inputProblemsResult(problems)
        : variableErrorsAsBadInput(
            await query.query(undefined, queryContext(viewer, authenticator, request.ip), params.variables),
          );
    deps.answered();

    if (result.errors?.length) {
      const masked = {
        ...result,
        errors: result.errors.map((error) => maskError(error, 'Unexpected error.') as GraphQLError),
      };
      return replyPayload(processRegularResult(masked, yoga.fetchAPI, mediaType), reply);
    }
    reply.header('content-type', `${mediaType}; charset=utf-8`);
    return query.stringify(result);
  };
}

interface Params {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
}

/** The body as yoga accepts it without remark, and nothing else (no `extensions`, no batch). */
function plainParams(body: unknown): Params | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { query, variables, operationName, ...rest } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.length > GRAPHQL_LIMITS.maxQueryLength) return undefined;
  if (Object.keys(rest).length > 0) return undefined;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  if (operationName != null && typeof operationName !== 'string') return undefined;
  return {
    query,
    ...(variables != null ? { variables: variables as Record<string, unknown> } : {}),
    ...(operationName != null ? { operationName } : {}),
  };
}

const REGULAR_MEDIA_TYPES = ['application/graphql-response+json', 'application/json'] as const;

/**
 * The media type yoga answers a query's result in, as its result processor picks it: the
 * header's types (utf-8 only) from last to first, the last match winning. The regular processor
 * comes last in yoga's list, so any match of it wins over SSE and multipart.
 */
export function regularMediaType(accept: string | undefined): (typeof REGULAR_MEDIA_TYPES)[number] | undefined {
  const asked = (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',');
  let chosen: (typeof REGULAR_MEDIA_TYPES)[number] | undefined;
  for (let i = asked.length - 1; i >= 0; i--) {
    const [mediaType, ...parameters] = asked[i]!.split(';');
    const charset = parameters.find((parameter) => parameter.includes('charset=')) ?? 'charset=utf-8';
    if (charset !== 'charset=utf-8' || mediaType === undefined) continue;
    const [askedType, askedSubtype] = mediaType.split('/');
    for (const candidate of REGULAR_MEDIA_TYPES) {
      const [type, subtype] = candidate.split('/');
      if ((askedType === '*' || askedType === type) && (askedSubtype === '*' || askedSubtype === subtype))
        chosen = candidate;
    }
  }
  return chosen;
}

import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { withoutSuggestions } from './errors.ts';

/**
 * Limits every operation must pass before any resolver runs (parse and validation time, over
 * HTTP, SSE and WebSocket alike). The deepest real query of our schema is 6 levels
 * (`orders.edges.node.events.actor.id`); 7 leaves room for one wrapper field and nothing more.
 * Depth is the selection's real depth: a fragment spread adds none (graphql-armor's
 * `flattenFragments`; it counted two levels per spread, so a client could not share a
 * selection through a fragment below the third level).
 */
export const GRAPHQL_LIMITS = {
  maxDepth: 7,
  maxAliases: 15,
  /**
   * graphql-armor's syntactic cost (objects 2, scalars 1, ×1.5 per level). A page of orders with
   * every field costs about 285 and a full single order about 120: 2000 admits any real screen.
   */
  maxCost: 2000,
  maxTokens: 1000,
  maxDirectives: 10,
  /** Characters of query text; a document this long is abuse, whatever it contains. */
  maxQueryLength: 15_000,
} as const;

export function limitPlugins(options: { readonly introspection: boolean }): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, exposeLimits: true, flattenFragments: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases, exposeLimits: true },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost, exposeLimits: true },
    maxTokens: { n: GRAPHQL_LIMITS.maxTokens, exposeLimits: true },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, exposeLimits: true },
    blockFieldSuggestion: { enabled: true },
  });
  const plugins: Plugin[] = [queryLengthLimit(GRAPHQL_LIMITS.maxQueryLength), ...(armor.protect().plugins as Plugin[])];
  if (!options.introspection) plugins.push(disableIntrospection(), hideSuggestions());
  return plugins;
}

/**
 * graphql-armor hides field suggestions only; validation's others (enum values, arguments,
 * types, input fields) go too when introspection is off. Execution's (variables) are stripped
 * by the error mask (`createMaskError`).
 */
function hideSuggestions(): Plugin {
  return {
    onValidate:
      () =>
      ({ valid, result, setResult }) => {
        if (!valid) setResult((result as readonly Error[]).map((error) => withoutSuggestions(error)));
      },
  };
}

function queryLengthLimit(max: number): Plugin {
  return {
    onParams({ params }) {
      if (typeof params.query === 'string' && params.query.length > max) {
        throw createGraphQLError(`Query is ${params.query.length} characters long; the limit is ${max}`, {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      }
    },
  };
}

/** graphql-js's own rule: any `__schema` or `__type` field fails validation. */
function disableIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

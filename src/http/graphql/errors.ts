import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { knownError } from '../../db/unavailable.ts';
import { capProblems, type AppError } from '../../domain/errors.ts';

/** An AppError as GraphQL reports it: the message, `extensions.code`, and the invalid fields for BAD_USER_INPUT. */
export function toGraphQLError(
  error: AppError,
  source?: GraphQLError,
  options: { readonly httpStatus?: boolean } = {},
): GraphQLError {
  const { listed, omitted } = capProblems(error.details.fields ?? []);
  const retryAfter = typeof error.details.retryAfterSeconds === 'number' ? error.details.retryAfterSeconds : undefined;
  return new GraphQLError(error.message, {
    ...(source ? { nodes: source.nodes, source: source.source, positions: source.positions, path: source.path } : {}),
    extensions: {
      code: error.code,
      ...(listed.length > 0 ? { fields: listed } : {}),
      ...(omitted > 0 ? { omittedFields: omitted } : {}),
      ...(retryAfter === undefined ? {} : { retryAfter }),
      // Yoga turns `http.status` (and `http.headers`) into the response's: wanted only when the
      // whole request fails (a bad token), never for one field's error inside a 200 result.
      ...(options.httpStatus
        ? {
            http: {
              status: error.httpStatus,
              ...(retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } }),
            },
          }
        : {}),
    },
  });
}

/** graphql-js's hints, e.g. `Did you mean the enum value "APPROVED"?` or `Did you mean "status"?`. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * The error without graphql-js's "Did you mean …?" hints: they spell out the schema's names
 * (enum values, arguments, types), which is what turning introspection off hides.
 */
export function withoutSuggestions<T extends Error>(error: T): T {
  if (error.message.includes('Did you mean')) error.message = error.message.replace(SUGGESTION, '').trim();
  return error;
}

/**
 * Yoga's mask, told about our one error type: an AppError (thrown by a resolver, a command, the
 * context) is an expected failure and keeps its message and code, as does a database that could
 * not serve (SERVICE_UNAVAILABLE, see knownError); anything else is masked to
 * "Unexpected error." and logged with its stack. Never depends on NODE_ENV.
 */
export function createMaskError(log: (error: unknown) => void, options: { readonly hideSuggestions?: boolean } = {}) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    const known = knownError(original);
    // A database that could not serve fails the whole answer, so it is a 503 as over REST: a
    // client (and a load balancer) then knows to retry, and nothing mistakes it for data.
    if (known)
      return toGraphQLError(known, error instanceof GraphQLError ? error : undefined, {
        httpStatus: known.code === 'SERVICE_UNAVAILABLE',
      });
    const masked = yogaMaskError(error, message, false);
    if (masked !== error) log(original ?? error);
    // Variables are coerced at execution: their errors ("Value "APROVED" does not exist …") come through here.
    return options.hideSuggestions ? withoutSuggestions(masked) : masked;
  };
}

import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { knownError } from '../../db/unavailable.ts';
import type { AppError } from '../../domain/errors.ts';

/** An AppError as GraphQL reports it: the message, `extensions.code`, and the invalid fields for BAD_USER_INPUT. */
export function toGraphQLError(error: AppError, source?: GraphQLError, options: { readonly httpStatus?: boolean } = {}): GraphQLError {
  const fields = error.details.fields;
  const retryAfter = typeof error.details.retryAfterSeconds === 'number' ? error.details.retryAfterSeconds : undefined;
  return new GraphQLError(error.message, {
    ...(source ? { nodes: source.nodes, source: source.source, positions: source.positions, path: source.path } : {}),
    extensions: {
      code: error.code,
      ...(fields && fields.length > 0 ? { fields } : {}),
      ...(retryAfter === undefined ? {} : { retryAfter }),
      // Yoga turns `http.status` (and `http.headers`) into the response's: wanted only when the
      // whole request fails (a bad token), never for one field's error inside a 200 result.
      ...(options.httpStatus
        ? { http: { status: error.httpStatus, ...(retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } }) } }
        : {}),
    },
  });
}

/**
 * Yoga's mask, told about our one error type: an AppError (thrown by a resolver, a command, the
 * context) is an expected failure and keeps its message and code, as does a database that could
 * not serve (SERVICE_UNAVAILABLE, see knownError); anything else is masked to
 * "Unexpected error." and logged with its stack. Never depends on NODE_ENV.
 */
export function createMaskError(log: (error: unknown) => void) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    const known = knownError(original);
    // A database that could not serve fails the whole answer, so it is a 503 as over REST: a
    // client (and a load balancer) then knows to retry, and nothing mistakes it for data.
    if (known) return toGraphQLError(known, error instanceof GraphQLError ? error : undefined, { httpStatus: known.code === 'SERVICE_UNAVAILABLE' });
    const masked = yogaMaskError(error, message, false);
    if (masked !== error) log(original ?? error);
    return masked;
  };
}

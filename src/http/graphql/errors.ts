import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { capProblems, isAppError, type AppError } from '../../domain/errors.ts';

/** An AppError as GraphQL reports it: the message, `extensions.code`, and the invalid fields for BAD_USER_INPUT. */
export function toGraphQLError(error: AppError, source?: GraphQLError, options: { readonly httpStatus?: boolean } = {}): GraphQLError {
  const { listed, omitted } = capProblems(error.details.fields ?? []);
  return new GraphQLError(error.message, {
    ...(source ? { nodes: source.nodes, source: source.source, positions: source.positions, path: source.path } : {}),
    extensions: {
      code: error.code,
      ...(listed.length > 0 ? { fields: listed } : {}),
      ...(omitted > 0 ? { omittedFields: omitted } : {}),
      // Yoga turns `http.status` into the response status: wanted only when the whole request
      // fails (a bad token), never for one field's error inside a 200 result.
      ...(options.httpStatus ? { http: { status: error.httpStatus } } : {}),
    },
  });
}

/**
 * Yoga's mask, told about our one error type: an AppError (thrown by a resolver, a command, the
 * context) is an expected failure and keeps its message and code; anything else is masked to
 * "Unexpected error." and logged with its stack. Never depends on NODE_ENV.
 */
export function createMaskError(log: (error: unknown) => void) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (isAppError(original)) return toGraphQLError(original, error instanceof GraphQLError ? error : undefined);
    const masked = yogaMaskError(error, message, false);
    if (masked !== error) log(original ?? error);
    return masked;
  };
}

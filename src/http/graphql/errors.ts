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
 * context) is an expected failure and keeps its message and code; anything else is masked to
 * "Unexpected error." and logged with its stack. Never depends on NODE_ENV.
 */
export function createMaskError(log: (error: unknown) => void, options: { readonly hideSuggestions?: boolean } = {}) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (isAppError(original)) return toGraphQLError(original, error instanceof GraphQLError ? error : undefined);
    const masked = yogaMaskError(error, message, false);
    if (masked !== error) log(original ?? error);
    // Variables are coerced at execution: their errors ("Value "APROVED" does not exist …") come through here.
    return options.hideSuggestions ? withoutSuggestions(masked) : masked;
  };
}

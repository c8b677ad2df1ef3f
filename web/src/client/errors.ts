/** A failure the API answered with: its `extensions.code` (e.g. NOT_FOUND, UNAUTHENTICATED) and message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    /** The API's error code, or `NETWORK` when no answer came, `SOCKET_CLOSED` when the socket dropped. */
    readonly code: string,
    /** True when trying again later may work (network, socket dropped, service unavailable, rate limited). */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

const TRANSIENT_CODES = new Set([
  'NETWORK',
  'SOCKET_CLOSED',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
]);

interface GraphQLErrorLike {
  readonly message?: unknown;
  readonly extensions?: { readonly code?: unknown } | null;
}

/** The first error of a GraphQL answer as an ApiError. */
export function apiErrorOf(errors: readonly GraphQLErrorLike[]): ApiError {
  const first = errors[0];
  const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
  const message = typeof first?.message === 'string' ? first.message : 'The server answered with an error.';
  return new ApiError(message, code, TRANSIENT_CODES.has(code));
}

/** Every failure a user can cause or meet, by code. One error type carries it everywhere. */
export const ERROR_HTTP_STATUS = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ILLEGAL_TRANSITION: 409,
  ORDER_ON_HOLD: 409,
  VERSION_CONFLICT: 412,
  PAYMENT_REQUIRED: 409,
  /** Stripe could not be reached or refused a request we built; the client may retry. */
  PAYMENT_PROVIDER_UNAVAILABLE: 502,
  /** Over a rate limit; `details.retryAfterSeconds` says when to try again (HTTP `Retry-After`). */
  RATE_LIMITED: 429,
  /** The database did not answer in time (down, frozen, overloaded); the client may retry. */
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

/** One invalid input field, for the 400 list (REST) and `extensions.fields` (GraphQL). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * The one error type of the system: a code (mapped once to an HTTP status and to GraphQL's
 * `extensions.code`), a message for people, and optional details. Never throw strings.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> & { readonly fields?: readonly FieldProblem[] } = {},
  ) {
    super(message);
  }

  get httpStatus(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

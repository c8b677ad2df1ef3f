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
 * At most this many field problems are listed (REST `errors`, GraphQL `extensions.fields`, the
 * message); the rest are counted. A body of 30,000 bad line items must not answer megabytes.
 */
export const MAX_LISTED_PROBLEMS = 20;

/** The first {@link MAX_LISTED_PROBLEMS} problems and how many more there were. */
export function capProblems(problems: readonly FieldProblem[]): {
  readonly listed: readonly FieldProblem[];
  readonly omitted: number;
} {
  if (problems.length <= MAX_LISTED_PROBLEMS) return { listed: problems, omitted: 0 };
  return { listed: problems.slice(0, MAX_LISTED_PROBLEMS), omitted: problems.length - MAX_LISTED_PROBLEMS };
}

/** `Invalid order: a: x; b: y; and 180 more`: the problems for people, capped like the list. */
export function describeProblems(what: string, problems: readonly FieldProblem[]): string {
  const { listed, omitted } = capProblems(problems);
  const parts = listed.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
  if (omitted > 0) parts.push(`and ${omitted} more`);
  return `Invalid ${what}: ${parts.join('; ')}`;
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

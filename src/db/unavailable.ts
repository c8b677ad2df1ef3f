import { AppError, isAppError } from '../domain/errors.ts';

/**
 * SQLSTATEs that say the database could not serve now, not that the request was wrong:
 * connection exceptions (class 08), the server shutting down or starting (57P01-57P03), a
 * statement cancelled by statement_timeout (57014), a lock not granted in time (55P03), a session
 * ended for idling in a transaction (25P03), too many connections (53300).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '55P03', '25P03', '53300']);

/** Node's socket errors when the server is gone or unreachable. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * node-postgres reports its own timeouts and lost connections as plain Errors, told apart only by
 * their message: the pool's connect timeout, the client's query_timeout, a connection that ended.
 */
const PG_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/** True when `error` (or an error it wraps) says the database is down, frozen or overloaded. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || SOCKET_CODES.has(code))
    )
      return true;
    if (PG_MESSAGES.some((message) => current instanceof Error && current.message.startsWith(message))) return true;
  }
  return false;
}

const UNAVAILABLE_MESSAGE = 'The database did not answer in time; try again shortly';

/**
 * The one mapping from a thrown error to the AppError a client sees: an AppError as it is, a
 * database that could not serve as SERVICE_UNAVAILABLE (503), anything else undefined (a bug: the
 * transports mask it as a 500 and log it). REST's Problem Details and GraphQL's masking both ask here.
 */
export function knownError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (isDatabaseUnavailable(error)) return new AppError('SERVICE_UNAVAILABLE', UNAVAILABLE_MESSAGE);
  return undefined;
}

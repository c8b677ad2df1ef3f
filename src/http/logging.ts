import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';

/**
 * Longest string a log line carries in any one place (a message, an error's message or stack, a
 * value); the rest is cut and counted. A 520 kB request once made a 1.3 MB line: an error's
 * message can quote its input, and nothing in a log line is worth more than a few kB.
 */
export const MAX_LOGGED_STRING = 2048;
/** Items of an array, and properties of an object, kept in a log line; deeper than this is cut. */
const MAX_LOGGED_ITEMS = 20;
const MAX_LOGGED_DEPTH = 4;

const truncate = (text: string): string =>
  text.length <= MAX_LOGGED_STRING
    ? text
    : `${text.slice(0, MAX_LOGGED_STRING)}… (${text.length - MAX_LOGGED_STRING} more characters)`;

/** A copy of `value` small enough to log: strings cut, arrays and objects capped, errors serialized first. */
export function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return truncate(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return bounded(errorObject(value), depth);
  // Anything else that is not plain data (a request, a reply) is left to its serializer (`req`, `res`).
  const prototype: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
  if (depth >= MAX_LOGGED_DEPTH) return '[cut: too deep]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_LOGGED_ITEMS).map((item) => bounded(item, depth + 1));
    return value.length > MAX_LOGGED_ITEMS ? [...kept, `… (${value.length - MAX_LOGGED_ITEMS} more items)`] : kept;
  }
  const entries = Object.entries(value);
  const kept = Object.fromEntries(
    entries.slice(0, MAX_LOGGED_ITEMS).map(([key, inner]) => [truncate(key), bounded(inner, depth + 1)]),
  );
  if (entries.length > MAX_LOGGED_ITEMS) kept['…'] = `${entries.length - MAX_LOGGED_ITEMS} more properties`;
  return kept;
}

/** An error as pino's own serializer shows it (type, message, stack, its own fields, cause), before bounding. */
function errorObject(error: Error): Record<string, unknown> {
  return {
    type: error.constructor.name,
    message: error.message,
    stack: error.stack,
    ...Object.fromEntries(Object.entries(error)),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  };
}

/**
 * The app's pino options: whatever the caller chose (level, destination), with every line
 * bounded (messages and every value in it, errors included) and no request logging of fastify's
 * own: `registerRequestLog` writes one line per request instead of two.
 */
export function boundedLogger(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const options = logger === true ? {} : logger;
  return {
    ...options,
    serializers: {
      // A route may replace `req` with its own (`logSerializers`), e.g. to hide a credential in its path.
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: truncate(request.url.split('?')[0] ?? ''),
        remoteAddress: request.ip,
      }),
      ...options.serializers,
      err: (error: Error) => bounded(error) as { type: string; message: string; stack: string },
    },
    formatters: {
      ...options.formatters,
      log: (object: Record<string, unknown>) => bounded(object) as Record<string, unknown>,
    },
    hooks: {
      ...options.hooks,
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg: unknown) => (typeof arg === 'string' ? truncate(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
  };
}

/**
 * One info line per request once it is answered: `req` (method, path: never the query string,
 * which may carry tokens or personal data), `res` (status) and the time in ms. A customer's mistake (any 4xx) is this
 * line and nothing at error level; the error handler adds an error line for a 5xx only.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    // Through the `req` and `res` serializers, so a route's own (`logSerializers`) still applies.
    request.log.info({ req: request, res: reply, responseTime: Math.round(reply.elapsedTime) }, 'request completed');
    done();
  });
}

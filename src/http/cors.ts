import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.ts';

/** Headers a browser lets a page of an allowed origin read (besides the CORS-safelisted ones). */
const EXPOSED = 'Retry-After, Location, ETag, Idempotent-Replayed';
const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
/** Preflights a browser may cache, in seconds. */
const MAX_AGE = 600;

/**
 * CORS for every path (REST, `/graphql` both its fast path and yoga's, docs, health) from one
 * allow-list (`CORS_ORIGINS`): an allowed origin gets its own origin back, with credentials;
 * any other origin (and `null`) gets no CORS header at all, so the browser keeps the answer
 * from its page, and its preflight is refused before any route runs. Same-origin pages need no
 * CORS, so an empty list means same origin only.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const allowed = new Set(origins);
  // A plain callback hook, not an async one: every request passes here, most with no Origin
  // (same-origin pages, servers, Stripe), and a promise each was measurable in the benchmarks.
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    // The answer depends on Origin: caches must not hand one origin's answer to another.
    const vary = reply.getHeader('vary');
    void reply.header('vary', vary ? `${String(vary)}, Origin` : 'Origin');
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (!allowed.has(origin)) {
      // Answered here: the hooks and the route after this one never run (done is not called).
      if (preflight)
        return void reply
          .code(403)
          .type(PROBLEM_CONTENT_TYPE)
          .send(problem(403, 'FORBIDDEN', 'This origin may not call the API from a browser (CORS_ORIGINS)'));
      return done();
    }
    void reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true');
    if (!preflight) {
      void reply.header('access-control-expose-headers', EXPOSED);
      return done();
    }
    // The origin is trusted: whatever headers its page asks to send (Authorization, Idempotency-Key, If-Match…).
    const askedHeaders = request.headers['access-control-request-headers'];
    if (askedHeaders) void reply.header('access-control-allow-headers', askedHeaders);
    void reply
      .code(204)
      .header('access-control-allow-methods', METHODS)
      .header('access-control-max-age', String(MAX_AGE))
      .send();
  });
}

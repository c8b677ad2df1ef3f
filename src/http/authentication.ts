import type { FastifyInstance } from 'fastify';
import type { Viewer } from '../auth/viewer.ts';
import type { AuthGuard } from './rateLimits.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request (undefined: no token). Set before any handler runs. */
    viewer: Viewer | undefined;
  }
  interface FastifyContextConfig {
    /**
     * false: the route authenticates itself or needs no viewer (GraphQL answers token errors in
     * GraphQL's shape; health and metrics are for anyone).
     */
    authenticate?: boolean;
  }
}

/**
 * Every request's `Authorization` is checked before its handler: a bad token is a 401 problem
 * even on routes that would also serve anonymous callers, so a client never mistakes a broken
 * token for being signed out. Failures are counted per client address (`AuthGuard`): past its
 * budget a token from that address is 429 before it is checked.
 */
export function registerAuthentication(app: FastifyInstance, guard: AuthGuard): void {
  app.decorateRequest('viewer', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.authenticate === false) return;
    request.viewer = await guard.authenticate(request.ip, request.headers.authorization);
  });
}

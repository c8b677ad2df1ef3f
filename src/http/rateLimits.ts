import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { addressKey, createRateLimiter } from '../application/rateLimiter.ts';
import type { Authenticator } from '../auth/authenticate.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { RateLimit } from '../config.ts';
import { isAppError } from '../domain/errors.ts';
import { STRIPE_WEBHOOK_PATH } from '../webhooks/path.ts';
import { isBadSignature } from '../webhooks/signature.ts';

/**
 * Authentication with failures counted per client address: past the budget, a credential from
 * that address is refused (`RATE_LIMITED`, with the retry time) before it is even checked, so a
 * flood of guessed or stolen-and-expired tokens costs the server one map look-up each. Requests
 * without a credential are never refused: they cannot fail authentication.
 */
export interface AuthGuard {
  /** The viewer behind `credential`, as `Authenticator.authenticate`, from `address`. */
  authenticate(address: string | undefined, credential: string | undefined | null): Promise<Viewer | undefined>;
  /** True when `address` has used up its budget of failures (not counted). */
  blocked(address: string | undefined): boolean;
  /** The client address of a request fastify does not see (a WebSocket upgrade), as fastify's `request.ip` would be. */
  addressOf(message: IncomingMessage): string | undefined;
}

const FAILED_SIGN_INS = 'failed authentications from this address';

export function createAuthGuard(authenticator: Authenticator, limit: RateLimit, trustProxyHops = 0): AuthGuard {
  const failures = createRateLimiter(limit);
  return {
    async authenticate(address, credential) {
      if (credential === undefined || credential === null) return authenticator.authenticate(credential);
      const key = addressKey(address);
      failures.check(key, FAILED_SIGN_INS);
      try {
        return await authenticator.authenticate(credential);
      } catch (error) {
        if (isAppError(error) && error.code === 'UNAUTHENTICATED') failures.count(key);
        throw error;
      }
    },
    blocked: (address) => failures.retryAfterSeconds(addressKey(address)) > 0,
    addressOf: (message) => forwardedAddress(message, trustProxyHops),
  };
}

/**
 * The client address past `hops` trusted proxies, as fastify's `trustProxy: <number>` picks it
 * (proxy-addr): the connection's address, then X-Forwarded-For from its end, the `hops`-th of
 * those (or the farthest there is).
 */
export function forwardedAddress(message: IncomingMessage, hops: number): string | undefined {
  const socket = message.socket.remoteAddress;
  if (hops === 0) return socket;
  const header = message.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((part) => part.trim()).filter(Boolean).reverse();
  const chain = [socket, ...forwarded];
  return chain[Math.min(hops, chain.length - 1)];
}

/**
 * Stripe webhook deliveries whose signature fails, counted per client address: past the budget,
 * that address's deliveries are answered 429 before the body is read. Per address, so a flood
 * from elsewhere never starves Stripe's own deliveries (which Stripe retries after a 429 anyway).
 * Hooks on the app, so they cover the route wherever payments register it.
 */
export function registerWebhookGuard(app: FastifyInstance, limit: RateLimit): void {
  const failures = createRateLimiter(limit);
  const isWebhook = (url: string | undefined) => url === STRIPE_WEBHOOK_PATH;
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      if (isWebhook(request.routeOptions.url)) failures.check(addressKey(request.ip), 'webhook deliveries with a bad signature from this address');
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  app.addHook('onError', (request, _reply, error, done) => {
    if (isWebhook(request.routeOptions.url) && isBadSignature(error)) failures.count(addressKey(request.ip));
    done();
  });
}

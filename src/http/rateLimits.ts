import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, onErrorHookHandler, onRequestHookHandler } from 'fastify';
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

/** Failures (of authentication, of webhook signatures) counted per client address. */
interface FailuresByAddress {
  /** Throws `RATE_LIMITED` when `address` has used up its budget (not counted). */
  check(address: string | undefined, what: string): void;
  blocked(address: string | undefined): boolean;
  count(address: string | undefined): void;
}

/**
 * No address can be over its budget once the window of the last failure anywhere has passed (an
 * address's window opens at its first failure): until something fails again, a request costs no
 * address normalisation and no look-up. Every request passes a check; failures are rare.
 */
function failuresByAddress(limit: RateLimit): FailuresByAddress {
  const failures = createRateLimiter(limit);
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  const recent = () => Date.now() - lastFailureAt < limit.windowMs;
  return {
    check(address, what) {
      if (recent()) failures.check(addressKey(address), what);
    },
    blocked: (address) => recent() && failures.retryAfterSeconds(addressKey(address)) > 0,
    count(address) {
      lastFailureAt = Date.now();
      failures.count(addressKey(address));
    },
  };
}

export function createAuthGuard(authenticator: Authenticator, limit: RateLimit, trustProxyHops = 0): AuthGuard {
  const failures = failuresByAddress(limit);
  return {
    async authenticate(address, credential) {
      if (credential === undefined || credential === null) return authenticator.authenticate(credential);
      failures.check(address, FAILED_SIGN_INS);
      try {
        return await authenticator.authenticate(credential);
      } catch (error) {
        if (isAppError(error) && error.code === 'UNAUTHENTICATED') failures.count(address);
        throw error;
      }
    },
    blocked: (address) => failures.blocked(address),
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
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .reverse();
  const chain = [socket, ...forwarded];
  return chain[Math.min(hops, chain.length - 1)];
}

/**
 * Stripe webhook deliveries whose signature fails, counted per client address: past the budget,
 * that address's deliveries are answered 429 before the body is read. Per address, so a flood
 * from elsewhere never starves Stripe's own deliveries (which Stripe retries after a 429 anyway).
 * Hooks on the webhook route alone, added to it wherever payments register it (after this call):
 * every other request passes no check at all.
 */
export function registerWebhookGuard(app: FastifyInstance, limit: RateLimit): void {
  const failures = failuresByAddress(limit);
  const refuseFlooded: onRequestHookHandler = (request, _reply, done) => {
    let refused: Error | undefined;
    try {
      failures.check(request.ip, 'webhook deliveries with a bad signature from this address');
    } catch (error) {
      refused = error as Error;
    }
    done(refused);
  };
  const countBadSignature: onErrorHookHandler = (request, _reply, error, done) => {
    if (isBadSignature(error)) failures.count(request.ip);
    done();
  };
  app.addHook('onRoute', (route) => {
    if (route.url !== STRIPE_WEBHOOK_PATH) return;
    // After the route's own hooks of each kind (none, one or a list).
    const { onRequest, onError } = route;
    route.onRequest =
      onRequest === undefined
        ? [refuseFlooded]
        : Array.isArray(onRequest)
          ? [...onRequest, refuseFlooded]
          : [onRequest, refuseFlooded];
    route.onError =
      onError === undefined
        ? [countBadSignature]
        : Array.isArray(onError)
          ? [...onError, countBadSignature]
          : [onError, countBadSignature];
  });
}

import { createRequire } from 'node:module';
import { normalizeIP } from '@fastify/rate-limit';
import type { OrderCommands } from '../commands/order/index.ts';
import type { RateLimit, RateLimits } from '../config.ts';
import { AppError } from '../domain/errors.ts';

/** @fastify/rate-limit's in-memory store (fixed windows in an LRU); its package exports it untyped. */
interface LocalStore {
  incr(
    key: string,
    done: (error: Error | null, result: { current: number; ttl: number }) => void,
    windowMs: number,
    max: number,
  ): void;
  read(
    key: string,
    done: (error: Error | null, result: { current: number; ttl: number }) => void,
    windowMs: number,
    max: number,
  ): void;
}
type LocalStoreClass = new (continueExceeding: boolean, exponentialBackoff: boolean, cache: number) => LocalStore;
const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore') as LocalStoreClass;

/** Keys kept per limiter (users or addresses); the least recently seen are forgotten past it. */
const KEYS_KEPT = 50_000;

/**
 * A fixed-window budget per key (a user id, a client address), in this process's memory, on
 * @fastify/rate-limit's own store: the same counting as its route limits, usable below the
 * transports (a command that arrives over REST, GraphQL or WebSocket) and for events that are
 * not requests (a failed sign-in, a bad webhook signature).
 */
export interface RateLimiter {
  /** Counts one for `key`; throws `RATE_LIMITED` (with the retry time) when that goes over the budget. */
  take(key: string, what: string): void;
  /** Counts one for `key` without refusing anything (failures are counted after they happened). */
  count(key: string): void;
  /** Throws `RATE_LIMITED` when `key` has used up its budget, without counting. */
  check(key: string, what: string): void;
  /** Seconds until `key` may go on, or 0 when it is within its budget. */
  retryAfterSeconds(key: string): number;
}

export function createRateLimiter(limit: RateLimit): RateLimiter {
  const store = new LocalStore(false, false, KEYS_KEPT);
  const { max, windowMs } = limit;
  // The local store answers synchronously; its callback style is for Redis-backed ones.
  const run = (method: 'incr' | 'read', key: string) => {
    let state = { current: 0, ttl: 0 };
    store[method](
      key,
      (error, result) => {
        if (error) throw error;
        state = result;
      },
      windowMs,
      max,
    );
    return state;
  };
  const refuse = (what: string, ttl: number): never => {
    const retryAfterSeconds = Math.max(1, Math.ceil(ttl / 1000));
    throw new AppError('RATE_LIMITED', `Too many ${what}; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
  };
  const retryAfter = (key: string): number => {
    if (max === 0) return 0;
    const { current, ttl } = run('read', key);
    return current >= max ? Math.max(1, Math.ceil(ttl / 1000)) : 0;
  };
  return {
    take(key, what) {
      if (max === 0) return;
      const { current, ttl } = run('incr', key);
      if (current > max) refuse(what, ttl);
    },
    count(key) {
      if (max !== 0) run('incr', key);
    },
    check(key, what) {
      const seconds = retryAfter(key);
      if (seconds > 0) refuse(what, seconds * 1000);
    },
    retryAfterSeconds: retryAfter,
  };
}

/** A client address as a limit key: IPv6 addresses by their /64 (one host has the whole subnet), IPv4-mapped as IPv4. */
export function addressKey(address: string | undefined): string {
  return address ? normalizeIP(address) : 'unknown';
}

/**
 * The order service with its creations limited per user: each creation opens a Stripe Checkout
 * session, so one customer must not spend the shop's Stripe quota. It wraps the service the
 * transports share (REST `POST /api/production`, `createProductionOrder` over HTTP and
 * WebSocket), so the three count against one budget; a refused creation writes nothing.
 * Operators, who may place many orders for customers, have their own larger budget.
 */
export function withOrderCreationLimit<C extends Pick<OrderCommands, 'createOrder'>>(
  commands: C,
  limits: RateLimits['orderCreation'],
): C {
  const customers = createRateLimiter(limits.customer);
  const operators = createRateLimiter(limits.operator);
  return {
    ...commands,
    async createOrder(input, options) {
      (options.actor.type === 'operator' ? operators : customers).take(options.actor.id, 'orders placed');
      return await commands.createOrder(input, options);
    },
  };
}

/**
 * Messages between the bench (server side) and its load-client process. Times are epoch
 * milliseconds with sub-millisecond precision (`performance.timeOrigin + performance.now()`),
 * so two processes on one machine can compare them once the clock offset is known.
 */

/** One order the query load may ask for, as its owner or as the operator. */
export interface QueryTarget {
  readonly id: string;
  readonly ownerId: string;
  readonly ownerToken: string;
}

export interface LoadShape {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

/** One WebSocket connection with one subscription: an order page, or the operators' dashboard. */
export type SubscriberSpec =
  | { readonly kind: 'order'; readonly orderId: string; readonly token: string }
  | { readonly kind: 'dashboard'; readonly token: string };

/** A change the server committed: the order at `version`, acknowledged to the writer at `committedAt` (client clock). */
export type Commit = readonly [orderId: string, version: number, committedAt: number];

export type ClientRequest =
  | { readonly kind: 'clock' }
  | { readonly kind: 'cpu' }
  | ({
      readonly kind: 'queries';
      readonly url: string;
      readonly query: string;
      readonly operatorToken: string;
      readonly targets: readonly QueryTarget[];
    } & LoadShape)
  | ({
      readonly kind: 'peer';
      readonly databaseUrl: string;
      readonly poolSize: number;
      readonly targets: readonly QueryTarget[];
    } & LoadShape)
  | { readonly kind: 'subscribe'; readonly url: string; readonly subscribers: readonly SubscriberSpec[] }
  | { readonly kind: 'settle'; readonly quietMs: number; readonly maxMs: number }
  | { readonly kind: 'latencies'; readonly commits: readonly Commit[] }
  | { readonly kind: 'unsubscribe' };

export interface QueryReport {
  readonly kind: 'queries';
  /** Operations completed in the measured window. */
  readonly operations: number;
  /** Operations completed in all, warm-up included (for CPU per operation). */
  readonly completed: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers that were not the asked order (HTTP error, GraphQL error, another id). */
  readonly errors: number;
  readonly firstError?: string;
}

export interface LatencySummary {
  readonly n: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface SubscriptionReport {
  readonly kind: 'latencies';
  readonly all: LatencySummary;
  readonly orderPages: LatencySummary;
  readonly dashboards: LatencySummary;
  /** Deliveries the commits called for (subscribers of the order, plus every dashboard). */
  readonly expected: number;
  /** Of those, versions a subscriber never saw because a later one reached it first (coalesced). */
  readonly skipped: number;
  /** The load client's own event-loop delay p99 while receiving (its share of the latency). */
  readonly clientLoopDelayP99Ms: number;
}

export type ClientReply =
  | { readonly kind: 'clock'; readonly now: number }
  /** The client process's CPU time so far (ms). */
  | { readonly kind: 'cpu'; readonly ms: number }
  | QueryReport
  | { readonly kind: 'subscribed'; readonly connected: number; readonly failed: number; readonly firstError?: string }
  | { readonly kind: 'settled'; readonly deliveries: number }
  | SubscriptionReport
  | { readonly kind: 'unsubscribed' }
  | { readonly kind: 'error'; readonly message: string };

export const now = (): number => performance.timeOrigin + performance.now();

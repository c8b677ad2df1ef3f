import { randomUUID } from 'node:crypto';
import {
  comparePositions,
  formatPosition,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
} from '../../src/eventstore/eventStore.ts';

/** Polls `condition` until it holds; fails with `message` after `timeoutMs` (no fixed sleeps in tests). */
export async function waitFor(condition: () => boolean, message: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${message()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const newEvents = (count: number, type = 'Happened', extra: Record<string, unknown> = {}): NewEvent[] =>
  Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    type,
    data: { index, ...extra },
    metadata: { test: true },
  }));

/** A short unique stream-id prefix, so tests sharing one server only ever read their own streams. */
export const uniquePrefix = (): string => `c${randomUUID().replaceAll('-', '').slice(0, 12)}-`;

export interface Collector {
  readonly events: RecordedEvent[];
  readonly batches: number;
  /** The error that ended the subscription early, if any. */
  readonly failure: unknown;
  /** Aborts the subscription and waits until its loop has ended. */
  stop(): Promise<void>;
}

/** Runs `subscribeToAll` in the background and gathers every delivered event in delivery order. */
export function collect(store: EventStore, options: Omit<SubscribeOptions, 'signal'> = {}): Collector {
  const controller = new AbortController();
  const events: RecordedEvent[] = [];
  const state = { batches: 0, failure: undefined as unknown };
  const loop = (async () => {
    try {
      for await (const batch of store.subscribeToAll({ ...options, signal: controller.signal })) {
        if (batch.length === 0) throw new Error('subscription yielded an empty batch');
        state.batches += 1;
        events.push(...batch);
      }
    } catch (error) {
      state.failure = error;
    }
  })();
  return {
    events,
    get batches() {
      return state.batches;
    },
    get failure() {
      return state.failure;
    },
    async stop() {
      controller.abort();
      await loop;
    },
  };
}

/**
 * Waits until the store's readers reach `position`. A PostgreSQL store hands out nothing above
 * the oldest transaction open anywhere in its cluster, and other test files run transactions
 * there at the same time: a read right after an append may rightly come back short.
 */
export async function untilReadable(store: EventStore, position: GlobalPosition, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await store.headPosition();
    if (head && comparePositions(head, position) >= 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `readers never reached ${formatPosition(position)} (head ${head ? formatPosition(head) : 'none'})`,
      );
    await sleep(10);
  }
}

/** Reads `$all` page by page from the start, as a checkpointing reader would. */
export async function readEverything(
  store: EventStore,
  streamPrefixes: readonly string[],
  pageSize = 1000,
): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (;;) {
    const last = all.at(-1);
    const page = await store.readAll({ maxCount: pageSize, streamPrefixes, ...(last ? { after: last.position } : {}) });
    all.push(...page);
    if (page.length < pageSize) return all;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

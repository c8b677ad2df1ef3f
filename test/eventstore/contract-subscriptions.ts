import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/eventStore.ts';
import { collect, newEvents, uniquePrefix, waitFor } from './support.ts';

/** Catch-up then live: the part of the contract projections and live updates stand on. */
export function describeSubscriptionContract(store: () => EventStore): void {
  describe('subscriptions to $all', () => {
    it('catches up on what was written, then delivers live appends, with no gap and no duplicate', async () => {
      const prefix = uniquePrefix();
      const before = newEvents(5);
      await store().appendToStream(`${prefix}a`, before.slice(0, 3));
      await store().appendToStream(`${prefix}b`, before.slice(3));
      const subscription = collect(store(), { streamPrefixes: [prefix], maxBatchSize: 2 });
      try {
        await waitFor(
          () => subscription.events.length >= 5,
          () => `caught up ${subscription.events.length}/5`,
        );
        const live = newEvents(4);
        await store().appendToStream(`${prefix}a`, live.slice(0, 1));
        await store().appendToStream(`${prefix}c`, live.slice(1));
        await waitFor(
          () => subscription.events.length >= 9,
          () => `live ${subscription.events.length}/9`,
        );
        expect(subscription.events.map((e) => e.id)).toEqual([...before, ...live].map((e) => e.id));
        expect(subscription.failure).toBeUndefined();
      } finally {
        await subscription.stop();
      }
    });

    it('starts strictly after the given position', async () => {
      const prefix = uniquePrefix();
      const first = await store().appendToStream(`${prefix}a`, newEvents(2));
      const later = newEvents(2);
      await store().appendToStream(`${prefix}a`, later);
      const subscription = collect(store(), { streamPrefixes: [prefix], after: first.position });
      try {
        await waitFor(
          () => subscription.events.length >= 2,
          () => `got ${subscription.events.length}/2`,
        );
        expect(subscription.events.map((e) => e.id)).toEqual(later.map((e) => e.id));
      } finally {
        await subscription.stop();
      }
    });

    it('never yields more than maxBatchSize events at once', async () => {
      const prefix = uniquePrefix();
      await store().appendToStream(`${prefix}a`, newEvents(7));
      const subscription = collect(store(), { streamPrefixes: [prefix], maxBatchSize: 3 });
      try {
        await waitFor(
          () => subscription.events.length >= 7,
          () => `got ${subscription.events.length}/7`,
        );
        expect(subscription.batches).toBeGreaterThanOrEqual(3);
      } finally {
        await subscription.stop();
      }
    });

    it('ends the iteration when its signal is aborted, also while waiting for news', async () => {
      const controller = new AbortController();
      const iterate = (async () => {
        let batches = 0;
        for await (const _batch of store().subscribeToAll({
          streamPrefixes: [uniquePrefix()],
          signal: controller.signal,
        }))
          batches += 1;
        return batches;
      })();
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      await expect(iterate).resolves.toBe(0);
    });

    it('serves many subscribers at once, each with all events in the same order', async () => {
      const prefix = uniquePrefix();
      const subscriptions = Array.from({ length: 5 }, () => collect(store(), { streamPrefixes: [prefix] }));
      try {
        const written = newEvents(20);
        await Promise.all(
          Array.from({ length: 4 }, (_, i) => store().appendToStream(`${prefix}${i}`, written.slice(i * 5, i * 5 + 5))),
        );
        for (const s of subscriptions)
          await waitFor(
            () => s.events.length >= 20,
            () => `got ${s.events.length}/20`,
          );
        const order = subscriptions[0]!.events.map((e) => e.id);
        expect(new Set(order)).toEqual(new Set(written.map((e) => e.id)));
        for (const s of subscriptions) expect(s.events.map((e) => e.id)).toEqual(order);
      } finally {
        await Promise.all(subscriptions.map((s) => s.stop()));
      }
    });
  });
}

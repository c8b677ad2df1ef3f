import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent } from '../../src/eventstore/eventStore.ts';
import type { RefundReactor } from '../../src/payments/refundReactor.ts';
import { loadCheckpoint, runRefundReactorLed, saveCheckpoint } from '../../src/payments/refundRunner.ts';
import { waitFor } from '../support/http.ts';
import { readModelSuite } from '../projections/support.ts';

/**
 * The refund reactor is a role: every server with PROJECTOR=on offers to run it, one does, and
 * another takes over when it stops; a failure starts it again instead of ending it.
 */
const fx = readModelSuite();

/** A reactor that notes the cancels it was shown. */
const recording = () => {
  const seen: string[] = [];
  const reactor: RefundReactor = {
    react(event) {
      if (event.type === 'OrderCanceled') seen.push(event.streamId);
      return Promise.resolve('not_due');
    },
  };
  return { seen, reactor };
};

const cancel = async (): Promise<string> => {
  const streamId = `order-${randomUUID()}`;
  await fx.store.appendToStream(streamId, [
    { id: randomUUID(), type: 'OrderCanceled', data: { reason: null, refundDue: false } },
  ]);
  return streamId;
};

const start = (reactor: RefundReactor, errors: unknown[], store: EventStore = fx.store) => {
  const stop = new AbortController();
  const done = runRefundReactorLed({
    eventStore: store,
    reactor,
    pool: fx.db.pool,
    signal: stop.signal,
    log: { error: (details) => errors.push(details) },
    leaderRetryMs: 100,
  });
  return { stop: async () => (stop.abort(), await done) };
};

describe('the refund reactor among several processes', () => {
  it('runs in one of them, and another takes over when it stops', async () => {
    const a = recording();
    const b = recording();
    const errors: unknown[] = [];
    const runA = start(a.reactor, errors);
    const runB = start(b.reactor, errors);
    try {
      const first = [await cancel(), await cancel(), await cancel()];
      await waitFor(() => expect([...a.seen, ...b.seen]).toEqual(expect.arrayContaining(first)), 10_000);
      // One of them leads; the other was shown nothing.
      const [leader, follower] = a.seen.length > 0 ? [a, b] : [b, a];
      expect(follower.seen).toEqual([]);
      expect(leader.seen.filter((id) => first.includes(id))).toEqual(first);

      await (leader === a ? runA : runB).stop();
      const later = [await cancel(), await cancel()];
      await waitFor(() => expect(follower.seen).toEqual(expect.arrayContaining(later)), 10_000);
      expect(leader.seen.filter((id) => later.includes(id))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await runA.stop();
      await runB.stop();
    }
  });

  it('starts again after a failure, from its checkpoint, instead of stopping for good', async () => {
    const c = recording();
    const errors: unknown[] = [];
    let failures = 1;
    // The store's subscription fails once, as a dropped connection would make it.
    const flaky: EventStore = {
      ...fx.store,
      subscribeToAll(options) {
        if (failures-- > 0) {
          return (async function* (): AsyncGenerator<readonly RecordedEvent[]> {
            await Promise.resolve();
            yield* [];
            throw new Error('connection terminated unexpectedly');
          })();
        }
        return fx.store.subscribeToAll(options);
      },
    };
    const run = start(c.reactor, errors, flaky);
    try {
      const after = await cancel();
      await waitFor(() => expect(c.seen).toContain(after), 10_000);
      expect(errors).toHaveLength(1);
      expect(String((errors[0] as { err: Error }).err.message)).toContain('connection terminated');
    } finally {
      await run.stop();
    }
  });

  /** Runs 40 appends over about a second past a caught-up runner; how many batches it read for them. */
  const readsWhileLive = async (kind: EventStore['kind']): Promise<{ reads: number; seconds: number }> => {
    const c = recording();
    const errors: unknown[] = [];
    let reads = 0;
    const counting: EventStore = {
      ...fx.store,
      kind,
      subscribeToAll(options) {
        const batches = fx.store.subscribeToAll(options);
        return (async function* (): AsyncGenerator<readonly RecordedEvent[]> {
          for await (const batch of batches) {
            reads += 1;
            yield batch;
          }
        })();
      },
    };
    const run = start(c.reactor, errors, counting);
    try {
      // Caught up first, so what follows is live.
      const before = await cancel();
      await waitFor(() => expect(c.seen).toContain(before), 10_000);
      const readsBefore = reads;
      const canceled: string[] = [];
      const started = performance.now();
      for (let i = 0; i < 40; i += 1) {
        canceled.push(await cancel());
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await waitFor(() => expect(c.seen).toEqual(expect.arrayContaining(canceled)), 10_000);
      expect(errors).toEqual([]);
      return { reads: reads - readsBefore, seconds: (performance.now() - started) / 1000 };
    } finally {
      await run.stop();
    }
  };

  it('reads new events about twice a second while changes flow, not once per append, and misses none', async () => {
    const { reads, seconds } = await readsWhileLive('postgres');
    expect(reads).toBeLessThanOrEqual(Math.ceil(seconds * 2) + 2);
  });

  it('does not pace a store whose short batches do not mean caught up (EventStoreDB hands over what it buffered)', async () => {
    const { reads } = await readsWhileLive('eventstoredb');
    expect(reads).toBeGreaterThan(10);
  });

  it('only ever moves its checkpoint forward: a runner deposed mid-batch cannot put it back behind its successor', async () => {
    const ahead = { commit: 9_000_000_000_000n, prepare: 7n };
    await saveCheckpoint(fx.db.pool, ahead);
    await saveCheckpoint(fx.db.pool, { commit: 9_000_000_000_000n, prepare: 6n });
    await saveCheckpoint(fx.db.pool, { commit: 10n, prepare: 99n });
    expect(await loadCheckpoint(fx.db.pool)).toEqual(ahead);
    const further = { commit: 9_000_000_000_001n, prepare: 1n };
    await saveCheckpoint(fx.db.pool, further);
    expect(await loadCheckpoint(fx.db.pool)).toEqual(further);
  });
});

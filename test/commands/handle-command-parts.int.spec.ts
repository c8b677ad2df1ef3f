import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { handleCommand, type HandleCommandOptions } from '../../src/commands/handleCommand.ts';
import { idempotentEventId } from '../../src/commands/ids.ts';
import { orderDecider } from '../../src/commands/order/orderStream.ts';
import { StateCache } from '../../src/commands/stateCache.ts';
import { isAppError } from '../../src/domain/errors.ts';
import { orderStreamId } from '../../src/domain/order/index.ts';
import type { EventStore } from '../../src/eventstore/eventStore.ts';
import { createKeyedQueue } from '../../src/shared/keyedQueue.ts';
import { eventStoreFixture } from '../support/db.ts';
import { perSuite } from '../support/suite.ts';
import { tallyDecider, type Tally, type TallyCommand, type TallyEvent } from './handle-command-decider.ts';

/** The store, counting the reads and the appends it refused as version conflicts. */
const counted = (store: EventStore) => {
  const counts = { reads: 0, conflicts: 0 };
  const wrapped: EventStore = {
    ...store,
    readStream: (...args) => ((counts.reads += 1), store.readStream(...args)),
    appendToStream: (...args) =>
      store.appendToStream(...args).catch((error: unknown) => {
        if (isAppError(error) && error.code === 'VERSION_CONFLICT') counts.conflicts += 1;
        throw error;
      }),
  };
  return { counts, store: wrapped };
};

describe('the command handler’s parts', () => {
  const fx = perSuite(eventStoreFixture);
  const run = (
    on: EventStore,
    streamId: string,
    command: TallyCommand,
    options?: HandleCommandOptions<TallyEvent, Tally>,
  ) => handleCommand(on, streamId, tallyDecider, command, options);
  const newStream = () => `tally-${randomUUID()}`;

  it('runs one stream’s commands one at a time with a queue, so writers of one process never lose a race to each other', async () => {
    const id = newStream();
    const { counts, store: watched } = counted(fx.store);
    const queue = createKeyedQueue();
    const cache = new StateCache<Tally>();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => run(watched, id, { type: 'Add', amount: 1 }, { queue, cache })),
    );
    expect(results.map((r) => r.nextVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(counts.conflicts).toBe(0);
    expect((await fx.store.readStream(id)).version).toBe(20);
  });

  it('appends to a stream just named at random without reading it first', async () => {
    const { counts, store: watched } = counted(fx.store);
    const id = newStream();
    const result = await run(watched, id, { type: 'Add', amount: 3 }, { streamIsNew: true });
    expect(result).toMatchObject({ nextVersion: 1, state: { total: 3 } });
    expect(counts.reads).toBe(0);
  });

  it('reads and decides again when a stream it took for new already has events', async () => {
    const id = newStream();
    await run(fx.store, id, { type: 'Add', amount: 5 });
    const result = await run(fx.store, id, { type: 'Add', amount: 1 }, { streamIsNew: true });
    expect(result).toMatchObject({ nextVersion: 2, state: { total: 6 } });
  });

  it('decides a dry run and answers as if written, writing nothing', async () => {
    const id = newStream();
    await run(fx.store, id, { type: 'Add', amount: 2 });
    const dry = await run(fx.store, id, { type: 'Add', amount: 40 }, { dryRun: true });
    expect(dry).toMatchObject({
      nextVersion: 2,
      state: { total: 42 },
      events: [{ type: 'Added', amount: 40 }],
      replayed: false,
    });
    expect((await fx.store.readStream(id)).version).toBe(1);
  });

  it('names a keyed command’s events after stream, key and index, with the one id helper the order commands use', async () => {
    const id = newStream();
    await run(fx.store, id, { type: 'Add', amount: 1 }, { idempotencyKey: 'k-1' });
    await run(fx.store, id, { type: 'Close' }, { idempotencyKey: 'k-2' });
    const stored = await fx.store.readStream(id);
    expect(stored.events.map((e) => e.id)).toEqual([idempotentEventId(id, 'k-1', 0), idempotentEventId(id, 'k-2', 0)]);
    expect(stored.events.map((e) => e.metadata.idempotencyKey)).toEqual(['k-1', 'k-2']);
  });

  it('names the stream in a stale version’s refusal as its decider describes it: an order by its id', async () => {
    const id = newStream();
    await run(fx.store, id, { type: 'Add', amount: 1 });
    const described = { ...tallyDecider, describe: (streamId: string) => `Tally ${streamId.slice('tally-'.length)}` };
    await expect(
      handleCommand(fx.store, id, described, { type: 'Add', amount: 1 }, { expectedVersion: 0 }),
    ).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      message: `Tally ${id.slice('tally-'.length)} is at version 1, not 0`,
    });
    const orderId = randomUUID();
    expect(orderDecider.describe?.(orderStreamId(orderId))).toBe(`Order ${orderId}`);
  });
});

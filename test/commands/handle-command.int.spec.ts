import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/eventStore.ts';
import { handleCommand, type HandleCommandOptions } from '../../src/commands/handleCommand.ts';
import { StateCache } from '../../src/commands/stateCache.ts';
import { eventStoreFixture } from '../support/db.ts';
import { perSuite } from '../support/suite.ts';
import { tallyDecider, type Tally, type TallyCommand, type TallyEvent } from './handle-command-decider.ts';

/** The same store, but `interfere` runs right before each append: another writer getting there first. */
const interfered = (store: EventStore, interfere: (streamId: string) => Promise<unknown>): EventStore => ({
  ...store,
  readStream: (...args) => store.readStream(...args),
  appendToStream: async (streamId, events, options) => {
    await interfere(streamId);
    return store.appendToStream(streamId, events, options);
  },
});

describe('handleCommand', () => {
  const fx = perSuite(eventStoreFixture);
  const run = (
    streamId: string,
    command: TallyCommand,
    options?: HandleCommandOptions<TallyEvent, Tally>,
    on: EventStore = fx.store,
  ) => handleCommand(on, streamId, tallyDecider, command, options);
  const add = (amount: number): TallyCommand => ({ type: 'Add', amount });
  const newStream = () => `tally-${randomUUID()}`;

  it('loads, folds, decides and appends at the version read', async () => {
    const id = newStream();
    await run(id, add(2));
    const result = await run(id, add(3));
    expect(result).toMatchObject({
      state: { total: 5, open: true },
      events: [{ type: 'Added', amount: 3 }],
      nextVersion: 2,
      replayed: false,
    });
    const stored = await fx.store.readStream(id);
    expect(stored.events.map((e) => [e.type, e.data])).toEqual([
      ['Added', { amount: 2 }],
      ['Added', { amount: 3 }],
    ]);
    expect(result.position).toEqual(stored.events[1]!.position);
  });

  it('refuses a stale expected version with VERSION_CONFLICT and writes nothing', async () => {
    const id = newStream();
    await run(id, add(1));
    await run(id, add(1));
    await expect(run(id, add(5), { expectedVersion: 1 })).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { actualVersion: 2 },
    });
    expect((await fx.store.readStream(id)).version).toBe(2);
    expect((await run(id, add(5), { expectedVersion: 2 })).nextVersion).toBe(3);
  });

  it('does not retry when the caller named a version and another writer got there first', async () => {
    const id = newStream();
    await run(id, add(1));
    const racing = interfered(fx.store, (streamId) =>
      fx.store.appendToStream(streamId, [{ id: randomUUID(), type: 'Added', data: { amount: 100 } }]),
    );
    await expect(run(id, add(5), { expectedVersion: 1 }, racing)).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    expect((await run(id, { type: 'Close' })).state.total).toBe(101);
  });

  it('re-decides a lost race on a fresh read when the caller named no version', async () => {
    const id = newStream();
    const results = await Promise.all(Array.from({ length: 20 }, () => run(id, add(1), { maxRetries: 50 })));
    expect(results.map((r) => r.nextVersion).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect((await fx.store.readStream(id)).version).toBe(20);
  });

  it('gives up with VERSION_CONFLICT after maxRetries lost races', async () => {
    const id = newStream();
    let interferences = 0;
    const alwaysFirst = interfered(fx.store, (streamId) => {
      interferences += 1;
      return fx.store.appendToStream(streamId, [{ id: randomUUID(), type: 'Added', data: { amount: 0 } }]);
    });
    await expect(run(id, add(1), { maxRetries: 3 }, alwaysFirst)).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(interferences).toBe(4);
  });

  it('answers a done command with no events, the current version and the newest position', async () => {
    const id = newStream();
    const closed = await run(id, { type: 'Close' });
    const again = await run(id, { type: 'Close' });
    expect(again).toEqual({
      state: { total: 0, open: false },
      events: [],
      nextVersion: 1,
      position: closed.position,
      replayed: false,
    });
  });

  it('lets the decider’s refusal through and writes nothing', async () => {
    const id = newStream();
    await run(id, { type: 'Close' });
    await expect(run(id, add(1))).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    expect((await fx.store.readStream(id)).version).toBe(1);
  });

  describe('with an idempotency key', () => {
    it('answers a repeat as the first time, even with the old expected version after the stream moved on', async () => {
      const id = newStream();
      const first = await run(id, add(4), { idempotencyKey: 'k1', expectedVersion: 0 });
      await run(id, add(10));
      const again = await run(id, add(4), { idempotencyKey: 'k1', expectedVersion: 0 });
      expect(again).toEqual({ ...first, replayed: true });
      expect((await fx.store.readStream(id)).version).toBe(2);
    });

    it('writes racing copies once, and answers every copy alike', async () => {
      const id = newStream();
      const results = await Promise.all(Array.from({ length: 8 }, () => run(id, add(7), { idempotencyKey: 'race' })));
      expect((await fx.store.readStream(id)).version).toBe(1);
      for (const r of results)
        expect(r).toMatchObject({ nextVersion: 1, state: { total: 7 }, position: results[0]!.position });
    });
  });

  describe('with a state cache', () => {
    it('decides on the cached fold and stays right when another process wrote meanwhile', async () => {
      const id = newStream();
      const cache = new StateCache<Tally>();
      await run(id, add(1), { cache });
      await run(id, add(10)); // another process, no cache
      const result = await run(id, add(1), { cache });
      expect(result).toMatchObject({ state: { total: 12 }, nextVersion: 3 });
    });

    it('reloads when the caller’s version differs from the cached one, instead of answering a conflict', async () => {
      const id = newStream();
      const cache = new StateCache<Tally>();
      await run(id, add(1), { cache });
      await run(id, add(1));
      expect((await run(id, add(1), { cache, expectedVersion: 2 })).nextVersion).toBe(3);
      await expect(run(id, add(1), { cache, expectedVersion: 2 })).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    });

    it('never answers a no-op or a refusal that only the stale cache would give', async () => {
      const id = newStream();
      const cache = new StateCache<Tally>();
      await run(id, { type: 'Close' }, { cache });
      await run(id, { type: 'Reopen' }); // another process reopens; the cache still says closed
      expect(await run(id, { type: 'Close' }, { cache })).toMatchObject({
        events: [{ type: 'Closed' }],
        nextVersion: 3,
      });
      await run(id, { type: 'Reopen' }); // again behind the cache's back
      expect(await run(id, add(3), { cache })).toMatchObject({ state: { total: 3, open: true }, nextVersion: 5 });
    });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePositions, type EventStore, type NewEvent } from '../../src/eventstore/eventStore.ts';
import { describeSubscriptionContract } from './contract-subscriptions.ts';
import { describeStressContract } from './contract-stress.ts';
import { newEvents, readEverything, uniquePrefix, untilReadable } from './support.ts';

/** What a contract run needs from an adapter: a ready store and a way to dispose of it. */
export interface EventStoreContractSubject {
  readonly store: EventStore;
  cleanup(): Promise<void>;
  /**
   * Optional, for adapters whose writers can be held open (PostgreSQL): appends through a transaction
   * that stays open `holdMs` before it commits, or is rolled back instead. The stress test mixes
   * these in, so readers meet events that commit out of position order and events that never commit.
   */
  readonly slowAppend?: (
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly holdMs: number; readonly rollback: boolean },
  ) => Promise<void>;
}

export type EventStoreContractFactory = () => Promise<EventStoreContractSubject>;

/**
 * The behaviour every `EventStore` adapter must show, run against a real server. Every test writes
 * only to streams under its own unique prefix, so the suite also runs against a shared server.
 */
export function describeEventStoreContract(name: string, factory: EventStoreContractFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreContractSubject;
    const store = (): EventStore => subject.store;
    beforeAll(async () => {
      subject = await factory();
    });
    afterAll(async () => {
      await subject.cleanup();
    });

    describe('appending and reading a stream', () => {
      it('reads a missing stream as version 0 with no events', async () => {
        const result = await store().readStream(`${uniquePrefix()}missing`);
        expect(result).toEqual({ version: 0, events: [] });
      });

      it('numbers a stream from version 1 and reads back exactly what was written', async () => {
        const streamId = `${uniquePrefix()}s`;
        const events = newEvents(3);
        const result = await store().appendToStream(streamId, events);
        expect(result.nextVersion).toBe(3);
        expect(result.duplicate).toBe(false);
        const read = await store().readStream(streamId);
        expect(read.version).toBe(3);
        expect(read.events.map((e) => [e.id, e.type, e.data, e.metadata, e.streamId, e.streamVersion])).toEqual(
          events.map((e, i) => [e.id, e.type, e.data, e.metadata, streamId, i + 1]),
        );
        expect(read.events.at(-1)?.position).toEqual(result.position);
        expect(read.events[0]?.recordedAt).toBeInstanceOf(Date);
      });

      it('stores an omitted metadata as an empty object', async () => {
        const streamId = `${uniquePrefix()}s`;
        await store().appendToStream(streamId, [{ id: randomUUID(), type: 'Bare', data: { a: 1 } }]);
        const read = await store().readStream(streamId);
        expect(read.events[0]?.metadata).toEqual({});
      });

      it('reads a slice from an inclusive fromVersion, at most maxCount events, with the full stream version', async () => {
        const streamId = `${uniquePrefix()}s`;
        await store().appendToStream(streamId, newEvents(5));
        const read = await store().readStream(streamId, { fromVersion: 3, maxCount: 2 });
        expect(read.version).toBe(5);
        expect(read.events.map((e) => e.streamVersion)).toEqual([3, 4]);
      });

      it('refuses bad input with BAD_USER_INPUT and writes nothing', async () => {
        const streamId = `${uniquePrefix()}s`;
        const id = randomUUID();
        const bad: [NewEvent[], object][] = [
          [[], {}],
          [
            [
              { id, type: 'A', data: {} },
              { id, type: 'B', data: {} },
            ],
            {},
          ],
          [[{ id: 'not-a-uuid', type: 'A', data: {} }], {}],
          [[{ id: randomUUID(), type: '', data: {} }], {}],
          [newEvents(1), { expectedVersion: -1 }],
          [newEvents(1), { expectedVersion: 1.5 }],
          [newEvents(1), { expectedVersion: 'whatever' }],
        ];
        for (const [events, options] of bad) {
          await expect(store().appendToStream(streamId, events, options)).rejects.toMatchObject({
            code: 'BAD_USER_INPUT',
          });
        }
        await expect(store().appendToStream('', newEvents(1))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        expect((await store().readStream(streamId)).version).toBe(0);
      });
    });

    describe('expected versions', () => {
      it('appends at the exact expected version and refuses a stale one with VERSION_CONFLICT, writing nothing', async () => {
        const streamId = `${uniquePrefix()}s`;
        await store().appendToStream(streamId, newEvents(2), { expectedVersion: 0 });
        await store().appendToStream(streamId, newEvents(1), { expectedVersion: 2 });
        await expect(store().appendToStream(streamId, newEvents(1), { expectedVersion: 2 })).rejects.toMatchObject({
          code: 'VERSION_CONFLICT',
        });
        await expect(store().appendToStream(streamId, newEvents(1), { expectedVersion: 7 })).rejects.toMatchObject({
          code: 'VERSION_CONFLICT',
        });
        expect((await store().readStream(streamId)).version).toBe(3);
      });

      it('treats expected version 0 as "the stream must not exist yet"', async () => {
        const streamId = `${uniquePrefix()}s`;
        await store().appendToStream(streamId, newEvents(1), { expectedVersion: 0 });
        await expect(store().appendToStream(streamId, newEvents(1), { expectedVersion: 0 })).rejects.toMatchObject({
          code: 'VERSION_CONFLICT',
        });
      });

      it('appends with no_stream only to a stream that does not exist', async () => {
        const streamId = `${uniquePrefix()}s`;
        await store().appendToStream(streamId, newEvents(1), { expectedVersion: 'no_stream' });
        await expect(
          store().appendToStream(streamId, newEvents(1), { expectedVersion: 'no_stream' }),
        ).rejects.toMatchObject({
          code: 'VERSION_CONFLICT',
        });
        expect((await store().readStream(streamId)).version).toBe(1);
      });

      it('appends with stream_exists only to a stream that exists', async () => {
        const streamId = `${uniquePrefix()}s`;
        await expect(
          store().appendToStream(streamId, newEvents(1), { expectedVersion: 'stream_exists' }),
        ).rejects.toMatchObject({
          code: 'VERSION_CONFLICT',
        });
        expect((await store().readStream(streamId)).version).toBe(0);
        await store().appendToStream(streamId, newEvents(1));
        const result = await store().appendToStream(streamId, newEvents(1), { expectedVersion: 'stream_exists' });
        expect(result.nextVersion).toBe(2);
      });

      it('appends with any (the default) whatever the stream holds', async () => {
        const streamId = `${uniquePrefix()}s`;
        await store().appendToStream(streamId, newEvents(1), { expectedVersion: 'any' });
        await store().appendToStream(streamId, newEvents(2), { expectedVersion: 'any' });
        const result = await store().appendToStream(streamId, newEvents(1));
        expect(result.nextVersion).toBe(4);
      });

      it('lets exactly one of many racing appends at the same expected version win', async () => {
        const streamId = `${uniquePrefix()}s`;
        await store().appendToStream(streamId, newEvents(1));
        const outcomes = await Promise.allSettled(
          Array.from({ length: 12 }, () => store().appendToStream(streamId, newEvents(2), { expectedVersion: 1 })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes)
          if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'VERSION_CONFLICT' });
        expect((await store().readStream(streamId)).version).toBe(3);
      });
    });

    describe('idempotent appends', () => {
      it('answers a repeated append with the first answer, marked duplicate, and writes nothing', async () => {
        const streamId = `${uniquePrefix()}s`;
        const events = newEvents(3);
        const first = await store().appendToStream(streamId, events, { expectedVersion: 'no_stream' });
        const again = await store().appendToStream(streamId, events, { expectedVersion: 'no_stream' });
        expect(again).toEqual({ ...first, duplicate: true });
        expect((await store().readStream(streamId)).version).toBe(3);
      });

      it('recognises a late retry even after the stream moved on, whatever version it expects', async () => {
        const streamId = `${uniquePrefix()}s`;
        await store().appendToStream(streamId, newEvents(1));
        const events = newEvents(2);
        const first = await store().appendToStream(streamId, events, { expectedVersion: 1 });
        await store().appendToStream(streamId, newEvents(4));
        for (const expectedVersion of [1, 'any', 'stream_exists'] as const) {
          expect(await store().appendToStream(streamId, events, { expectedVersion })).toEqual({
            ...first,
            duplicate: true,
          });
        }
        expect((await store().readStream(streamId)).version).toBe(7);
      });

      it('writes a repeated append only once when both copies race', async () => {
        const streamId = `${uniquePrefix()}s`;
        const events = newEvents(2);
        const results = await Promise.all(Array.from({ length: 6 }, () => store().appendToStream(streamId, events)));
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        for (const r of results) expect(r.nextVersion).toBe(2);
        expect((await store().readStream(streamId)).events.map((e) => e.id)).toEqual(events.map((e) => e.id));
      });
    });

    describe('the global order ($all)', () => {
      it('reads appends in the order they completed, with strictly increasing positions', async () => {
        const prefix = uniquePrefix();
        const plan = [`${prefix}a`, `${prefix}b`, `${prefix}a`, `${prefix}c`, `${prefix}b`];
        const written: string[] = [];
        for (const streamId of plan) {
          const events = newEvents(2);
          const result = await store().appendToStream(streamId, events);
          written.push(...events.map((e) => e.id));
          await untilReadable(store(), result.position);
        }
        const all = await readEverything(store(), [prefix], 3);
        expect(all.map((e) => e.id)).toEqual(written);
        for (let i = 1; i < all.length; i += 1)
          expect(comparePositions(all[i - 1]!.position, all[i]!.position)).toBe(-1);
      });

      it('reads strictly after a given position and only the streams with the given prefixes', async () => {
        const prefix = uniquePrefix();
        const first = await store().appendToStream(`${prefix}order-1`, newEvents(2));
        const later = newEvents(2);
        await store().appendToStream(`${prefix}order-2`, later);
        await untilReadable(store(), (await store().appendToStream(`${prefix}other-1`, newEvents(2))).position);
        const page = await store().readAll({
          after: first.position,
          maxCount: 100,
          streamPrefixes: [`${prefix}order-`],
        });
        expect(page.map((e) => e.id)).toEqual(later.map((e) => e.id));
        const both = await store().readAll({ maxCount: 100, streamPrefixes: [`${prefix}order-`, `${prefix}other-`] });
        expect(both).toHaveLength(6);
      });

      it('treats prefix characters literally (no pattern matching)', async () => {
        const prefix = uniquePrefix();
        await store().appendToStream(`${prefix}a_b-1`, newEvents(1));
        await untilReadable(store(), (await store().appendToStream(`${prefix}axb-1`, newEvents(1))).position);
        const page = await store().readAll({ maxCount: 100, streamPrefixes: [`${prefix}a_b`] });
        expect(page.map((e) => e.streamId)).toEqual([`${prefix}a_b-1`]);
      });
    });

    describeSubscriptionContract(store);
    describeStressContract(() => subject);
  });
}

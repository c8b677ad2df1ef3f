import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, binaryEvent, jsonEvent } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePositions, type EventStore } from '../../../src/eventstore/eventStore.ts';
import { createEventStoreDbEventStore } from '../../../src/eventstore/eventstoredb/index.ts';
import { findKurrentDb, type KurrentDbServer } from '../../support/kurrentdb.ts';
import { describeEventStoreContract } from '../contract.ts';
import { collect, newEvents, uniquePrefix, waitFor } from '../support.ts';

/**
 * The shared event-store contract, and what is particular to EventStoreDB, against a real
 * KurrentDB/EventStoreDB: `EVENTSTORE_CONNECTION_STRING`, else a testcontainers container. With
 * neither, every test below is reported as skipped, with the reason in the suite's title.
 */
const target = await findKurrentDb();
const title =
  target.kind === 'unavailable'
    ? `EventStoreDB adapter (SKIPPED: ${target.reason})`
    : `EventStoreDB adapter on ${target.description}`;
if (target.kind === 'unavailable')
  console.warn(`[eventstoredb.int.spec] skipping the EventStoreDB suite: ${target.reason}`);

(target.kind === 'unavailable' ? describe.skip : describe)(title, () => {
  let server: KurrentDbServer | undefined;
  const connectionString = (): string => {
    if (!server) throw new Error('the KurrentDB server did not start');
    return server.connectionString;
  };
  beforeAll(async () => {
    if (target.kind !== 'unavailable') server = await target.start();
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  describeEventStoreContract('eventstoredb', () => {
    const store = createEventStoreDbEventStore({ connectionString: connectionString() });
    return Promise.resolve({ store, cleanup: () => store.close() });
  });

  describe('what is particular to EventStoreDB', () => {
    let store: EventStore;
    let raw: EventStoreDBClient;
    beforeAll(() => {
      store = createEventStoreDbEventStore({ connectionString: connectionString() });
      raw = EventStoreDBClient.connectionString(connectionString());
    });
    afterAll(async () => {
      await store.close();
      await raw.dispose();
    });

    it('reports a conflict in our versions (events counted from 1), not in ESDB revisions', async () => {
      const streamId = `${uniquePrefix()}s`;
      await store.appendToStream(streamId, newEvents(2));
      await expect(store.appendToStream(streamId, newEvents(1), { expectedVersion: 1 })).rejects.toMatchObject({
        code: 'VERSION_CONFLICT',
        details: { streamId, expectedVersion: 1, actualVersion: 2 },
      });
      await expect(
        store.appendToStream(streamId, newEvents(1), { expectedVersion: 'no_stream' }),
      ).rejects.toMatchObject({
        details: { actualVersion: 2 },
      });
    });

    it('leaves ESDB system streams out of readAll, subscriptions and the head position', async () => {
      const prefix = uniquePrefix();
      const ours = await store.appendToStream(`${prefix}a`, newEvents(1));
      // Stream metadata is an event in the system stream `$$<stream>`, written after ours.
      await raw.setStreamMetadata(`${prefix}a`, { maxAge: 86_400 });
      let system: { commit: bigint; prepare: bigint } | undefined;
      for await (const resolved of raw.readStream(`$$${prefix}a`)) system = resolved.event?.position;
      expect(system && comparePositions(system, ours.position)).toBe(1);
      const head = (await store.headPosition())!;
      expect(comparePositions(head, ours.position)).toBeGreaterThanOrEqual(0);
      expect(head).not.toEqual(system);
      const after = await store.readAll({ after: ours.position, maxCount: 1000 });
      expect(after.filter((e) => e.streamId.startsWith('$'))).toEqual([]);
      const subscription = collect(store, { after: ours.position });
      try {
        const later = await store.appendToStream(`${prefix}b`, newEvents(1));
        await waitFor(
          () => subscription.events.some((e) => comparePositions(e.position, later.position) === 0),
          () => 'the later event',
        );
        expect(subscription.events.filter((e) => e.streamId.startsWith('$'))).toEqual([]);
      } finally {
        await subscription.stop();
      }
    });

    it('reads events other tools wrote as non-object JSON or bytes, wrapped, without stalling a reader', async () => {
      const prefix = uniquePrefix();
      await raw.appendToStream(`${prefix}foreign`, [
        jsonEvent({ type: 'List', data: [1, 2] }),
        binaryEvent({ type: 'Bytes', data: new Uint8Array([1, 2, 3]) }),
      ]);
      const read = await store.readAll({ maxCount: 10, streamPrefixes: [prefix] });
      expect(read.map((e) => e.data)).toEqual([{ value: [1, 2] }, { value: 'AQID' }]);
    });

    it('accepts KurrentDB connection-string schemes', async () => {
      const kurrent = createEventStoreDbEventStore({
        connectionString: connectionString().replace(/^esdb/, 'kurrentdb'),
      });
      try {
        expect((await kurrent.readStream(`${uniquePrefix()}none`)).version).toBe(0);
      } finally {
        await kurrent.close();
      }
    });

    it('ends its subscriptions and refuses work once closed', async () => {
      const closing = createEventStoreDbEventStore({ connectionString: connectionString() });
      const iterate = (async () => {
        let batches = 0;
        for await (const _batch of closing.subscribeToAll({ streamPrefixes: [uniquePrefix()] })) batches += 1;
        return batches;
      })();
      await closing.close();
      await expect(iterate).resolves.toBe(0);
      await expect(
        closing.appendToStream(`${uniquePrefix()}x`, [{ id: randomUUID(), type: 'A', data: {} }]),
      ).rejects.toThrow(/closed/);
    });
  });
});

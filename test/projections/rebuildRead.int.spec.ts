import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/commands/eventStore.ts';
import { bulkReaderOf, createPostgresEventStore, type BulkEventReader } from '../../src/commands/postgres/index.ts';
import { readEverything, sleep } from '../eventstore/support.ts';
import { openAppendTransaction } from '../eventstore/postgresHarness.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const newEvents = (count: number, data: Record<string, unknown> = {}): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type: `Happened${i % 3}`, data: { i, ...data }, metadata: { by: 'test', n: i } }));

async function readBulk(reader: BulkEventReader, options: Parameters<BulkEventReader['readAll']>[0]): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const batch of reader.readAll(options)) all.push(...batch);
  return all;
}

/** Every field of the port's event, as plain data (positions and dates compared by value). */
const plain = (events: readonly RecordedEvent[]) =>
  events.map((e) => ({ ...e, metadata: e.metadata, recordedAt: e.recordedAt.toISOString(), position: `${e.position.commit}-${e.position.prepare}` }));

describe("the PostgreSQL store's bulk reader (rebuilds)", () => {
  let db: TestDatabase;
  let store: EventStore;
  let reader: BulkEventReader;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = await createPostgresEventStore({ connectionString: db.url });
    reader = bulkReaderOf(store)!;
    const odd = { text: 'tab\there, newline\nthere, back\\slash, "quotes", ünïcödé, emoji 🎉', nested: { list: [1, null, true] } };
    for (let s = 0; s < 12; s += 1) await store.appendToStream(`order-${randomUUID()}`, newEvents(1 + (s % 4), s % 2 ? odd : {}));
    await store.appendToStream(`other-${randomUUID()}`, newEvents(5));
    await store.appendToStream(`order-${randomUUID()}`, newEvents(3));
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('is only offered by the PostgreSQL store', () => {
    expect(reader).toBeDefined();
    expect(bulkReaderOf({ ...store })).toBeUndefined();
  });

  it('returns exactly the events readAll returns, in order, across statement and batch boundaries', async () => {
    for (const prefixes of [['order-'], undefined, ['other-', 'order-'], []] as const) {
      const expected = await readEverything(store, prefixes ?? [''], 7);
      for (const [chunkSize, batchSize] of [[5, 2], [1000, 3], [Math.max(1, expected.length), 1000]] as const) {
        const got = await readBulk(reader, { ...(prefixes ? { streamPrefixes: prefixes } : {}), chunkSize, batchSize });
        expect(plain(got)).toEqual(plain(expected));
      }
    }
  });

  it('starts strictly after a position, as readAll does', async () => {
    const all = await readEverything(store, ['order-']);
    const after = all[9]!.position;
    const got = await readBulk(reader, { after, streamPrefixes: ['order-'], chunkSize: 4 });
    expect(plain(got)).toEqual(plain(all.slice(10)));
  });

  it('never passes an append transaction still open: it ends before it, and reads it once committed', async () => {
    const before = await readEverything(store, ['order-']);
    const held = await openAppendTransaction(db.pool, `order-${randomUUID()}`, newEvents(2));
    let committed = false;
    try {
      await store.appendToStream(`order-${randomUUID()}`, newEvents(2));
      // Committed, but behind the open transaction: neither reader may hand it out yet.
      expect(plain(await readBulk(reader, { streamPrefixes: ['order-'], chunkSize: 3 }))).toEqual(plain(before));
      expect(await readEverything(store, ['order-'])).toHaveLength(before.length);
      await held.commit();
      committed = true;
    } finally {
      if (!committed) await held.rollback();
    }
    const after = await readEverything(store, ['order-']);
    expect(after).toHaveLength(before.length + 4);
    expect(plain(await readBulk(reader, { streamPrefixes: ['order-'], chunkSize: 3 }))).toEqual(plain(after));
  });

  it('lets a consumer stop early, mid-statement, and leaves the store working', async () => {
    const seen: RecordedEvent[] = [];
    for await (const batch of reader.readAll({ batchSize: 2 })) {
      seen.push(...batch);
      break;
    }
    expect(seen).toHaveLength(2);
    // The statement it left is ended with its connection, not read to its end.
    const copying = async () => (await db.pool.query<{ n: string }>("select count(*) as n from pg_stat_activity where query like 'copy (%'")).rows[0]!.n;
    const deadline = Date.now() + 10_000;
    while ((await copying()) !== '0') {
      if (Date.now() > deadline) throw new Error('the COPY is still running');
      await sleep(20);
    }
    expect(plain(await readBulk(reader, { streamPrefixes: ['order-'] }))).toEqual(plain(await readEverything(store, ['order-'])));
  });

  it('refuses a batch or statement size that is not a whole number >= 1', async () => {
    await expect(readBulk(reader, { batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(readBulk(reader, { chunkSize: 1.5 })).rejects.toThrow(RangeError);
  });
});

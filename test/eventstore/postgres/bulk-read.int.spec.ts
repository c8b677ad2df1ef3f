import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, NewEvent, RecordedEvent } from '../../../src/eventstore/eventStore.ts';
import {
  bulkReaderOf,
  createPostgresEventStore,
  type BulkEventReader,
} from '../../../src/eventstore/postgres/index.ts';
import { readEverything, sleep, untilReadable } from '../support.ts';
import { openAppendTransaction } from './support.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';

const newEvents = (count: number, data: Record<string, unknown> = {}): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: `Happened${i % 3}`,
    data: { i, ...data },
    metadata: { by: 'test', n: i },
  }));

async function readBulk(
  reader: BulkEventReader,
  options: Parameters<BulkEventReader['readAll']>[0],
): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const batch of reader.readAll(options)) all.push(...batch);
  return all;
}

/**
 * Expects the bulk read to give what readAll gives. readAll runs before and after it: the
 * read horizon is cluster-wide, so another test file's open transaction can hide events for a
 * while; when both readAll results agree, the bulk read between them had to see the same.
 */
async function expectSameAsReadAll(
  store: EventStore,
  bulk: () => Promise<RecordedEvent[]>,
  prefixes: readonly string[],
  from = 0,
): Promise<RecordedEvent[]> {
  for (let attempt = 0; ; attempt += 1) {
    const before = (await readEverything(store, prefixes, 7)).slice(from);
    const got = await bulk();
    const after = (await readEverything(store, prefixes, 7)).slice(from);
    if (JSON.stringify(plain(before)) === JSON.stringify(plain(after)) || attempt >= 50) {
      expect(plain(got)).toEqual(plain(after));
      return after;
    }
    await sleep(50);
  }
}

/** Every field of the port's event, as plain data (positions and dates compared by value). */
const plain = (events: readonly RecordedEvent[]) =>
  events.map((e) => ({
    ...e,
    metadata: e.metadata,
    recordedAt: e.recordedAt.toISOString(),
    position: `${e.position.commit}-${e.position.prepare}`,
  }));

describe("the PostgreSQL store's bulk reader (rebuilds)", () => {
  let db: TestDatabase;
  let store: EventStore;
  let reader: BulkEventReader;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = await createPostgresEventStore({ connectionString: db.url });
    reader = bulkReaderOf(store)!;
    const odd = {
      text: 'tab\there, newline\nthere, back\\slash, "quotes", ünïcödé, emoji 🎉',
      nested: { list: [1, null, true] },
    };
    for (let s = 0; s < 12; s += 1)
      await store.appendToStream(`order-${randomUUID()}`, newEvents(1 + (s % 4), s % 2 ? odd : {}));
    await store.appendToStream(`other-${randomUUID()}`, newEvents(5));
    await store.appendToStream(`it's-${randomUUID()}`, newEvents(2));
    const last = await store.appendToStream(`order-${randomUUID()}`, newEvents(3));
    // Readable once no older transaction is open anywhere in the cluster (other test files hold some).
    await untilReadable(store, last.position);
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
    // Prefixes go into the statement's text (COPY takes no parameters): quotes and pattern characters stay literal.
    for (const prefixes of [
      ['order-'],
      undefined,
      ['other-', 'order-'],
      [],
      ["it's", '%', 'order\\', "order-'; drop table es_events; --"],
    ] as const) {
      const all = await readEverything(store, prefixes ?? [''], 7);
      for (const [chunkSize, batchSize] of [
        [5, 2],
        [1000, 3],
        [Math.max(1, all.length), 1000],
      ] as const) {
        const options = { ...(prefixes ? { streamPrefixes: prefixes } : {}), chunkSize, batchSize };
        // No prefixes at all is readAll's `['']`: every stream starts with the empty string.
        await expectSameAsReadAll(store, () => readBulk(reader, options), prefixes ?? ['']);
      }
    }
  });

  it('starts strictly after a position, as readAll does', async () => {
    const all = await readEverything(store, ['order-']);
    const after = all[9]!.position;
    await expectSameAsReadAll(
      store,
      () => readBulk(reader, { after, streamPrefixes: ['order-'], chunkSize: 4 }),
      ['order-'],
      10,
    );
  });

  it('never passes an append transaction still open: it ends before it, and reads it once committed', async () => {
    const bulk = () => readBulk(reader, { streamPrefixes: ['order-'], chunkSize: 3 });
    const before = await expectSameAsReadAll(store, bulk, ['order-']);
    const heldEvents = newEvents(2);
    const held = await openAppendTransaction(db.pool, `order-${randomUUID()}`, heldEvents);
    const later = newEvents(2);
    let committed = false;
    let appended: Awaited<ReturnType<EventStore['appendToStream']>> | undefined;
    try {
      appended = await store.appendToStream(`order-${randomUUID()}`, later);
      // Committed, but behind the open transaction: neither reader may hand it out yet.
      const seen = await expectSameAsReadAll(store, bulk, ['order-']);
      expect(seen.map((e) => e.id)).not.toContain(later[0]!.id);
      expect(seen.slice(0, before.length).map((e) => e.id)).toEqual(before.map((e) => e.id));
      await held.commit();
      committed = true;
    } finally {
      if (!committed) await held.rollback();
    }
    // Readable once no older transaction is open anywhere in the cluster (other test files hold some).
    await untilReadable(store, appended.position);
    const after = await expectSameAsReadAll(store, bulk, ['order-']);
    // The held transaction's xid is the older one: its events come first in $all order.
    expect(after.slice(-4).map((e) => e.id)).toEqual([...heldEvents, ...later].map((e) => e.id));
  });

  it('lets a consumer stop early, mid-statement, and leaves the store working', async () => {
    const seen: RecordedEvent[] = [];
    for await (const batch of reader.readAll({ batchSize: 2 })) {
      seen.push(...batch);
      break;
    }
    expect(seen).toHaveLength(2);
    // The statement it left is ended with its connection, not read to its end.
    const copying = async () =>
      (await db.pool.query<{ n: string }>("select count(*) as n from pg_stat_activity where query like 'copy (%'"))
        .rows[0]!.n;
    const deadline = Date.now() + 10_000;
    while ((await copying()) !== '0') {
      if (Date.now() > deadline) throw new Error('the COPY is still running');
      await sleep(20);
    }
    await expectSameAsReadAll(store, () => readBulk(reader, { streamPrefixes: ['order-'] }), ['order-']);
  });

  it('refuses a batch or statement size that is not a whole number >= 1', async () => {
    await expect(readBulk(reader, { batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(readBulk(reader, { chunkSize: 1.5 })).rejects.toThrow(RangeError);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePositions, type EventStore } from '../../../src/eventstore/eventStore.ts';
import { createPostgresEventStore } from '../../../src/eventstore/postgres/index.ts';
import { describeEventStoreContract } from '../contract.ts';
import { openAppendTransaction, postgresSubject } from './support.ts';
import { startFreezingProxy } from '../../support/proxy.ts';
import { collect, newEvents, sleep, uniquePrefix, waitFor } from '../support.ts';

describeEventStoreContract('postgres', () => postgresSubject());

/** Until a store's LISTEN connection has listened and finished its first look at the newest commit. */
async function waitForListener(pool: pg.Pool): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name like 'es\\_listener %'
         and state = 'idle' and query like 'select transaction_id::text as commit%'`,
    );
    if (rows[0]!.n > 0) return;
    if (Date.now() > deadline) throw new Error('no listener connection came up');
    await sleep(10);
  }
}

describe('PostgreSQL event store', () => {
  let subject: Awaited<ReturnType<typeof postgresSubject>>;
  let store: EventStore;
  beforeAll(async () => {
    subject = await postgresSubject({ writers: 1 });
    store = subject.store;
  });
  afterAll(() => subject.cleanup());

  it('has no head position while empty', async () => {
    const empty = await postgresSubject();
    try {
      expect(await empty.store.headPosition()).toBeUndefined();
    } finally {
      await empty.cleanup();
    }
  });

  it('makes readers wait for an open transaction and never pass it, then delivers both in $all order', async () => {
    const prefix = uniquePrefix();
    const subscription = collect(store, { streamPrefixes: [prefix] });
    try {
      const heldEvents = newEvents(2);
      const held = await openAppendTransaction(subject.raw, `${prefix}held`, heldEvents);
      const laterEvents = newEvents(2);
      try {
        const later = await store.appendToStream(`${prefix}later`, laterEvents);
        // Committed, but behind an open transaction: invisible to every reader until that one ends.
        expect(await store.readAll({ maxCount: 10, streamPrefixes: [prefix] })).toEqual([]);
        const head = await store.headPosition();
        expect(head === undefined || comparePositions(head, later.position) < 0).toBe(true);
        // Asserting that nothing arrives needs a bounded wait: the subscriber was woken by the commit above.
        await sleep(150);
        expect(subscription.events).toEqual([]);
      } finally {
        await held.commit();
      }
      await waitFor(
        () => subscription.events.length >= 4,
        () => `got ${subscription.events.length}/4`,
      );
      expect(subscription.events.map((e) => e.id)).toEqual([...heldEvents, ...laterEvents].map((e) => e.id));
      expect((await store.readAll({ maxCount: 10, streamPrefixes: [prefix] })).map((e) => e.id)).toEqual(
        subscription.events.map((e) => e.id),
      );
    } finally {
      await subscription.stop();
    }
  });

  it('orders by transaction, not by position, when the two disagree', async () => {
    const prefix = uniquePrefix();
    const client = new pg.Client({ connectionString: subject.url });
    await client.connect();
    try {
      // The xid is taken now, the positions only later: a position-only cursor would skip these.
      await client.query('begin');
      await client.query('select pg_current_xact_id()');
      const first = await store.appendToStream(`${prefix}b`, newEvents(1));
      const heldEvents = newEvents(1);
      await client.query('select es_append_batch($1::jsonb)', [
        JSON.stringify([{ s: `${prefix}a`, e: -1, ev: heldEvents.map((e) => ({ i: e.id, t: e.type, d: e.data })) }]),
      ]);
      await client.query('commit');
      // Reads hand out nothing above the oldest transaction running anywhere in the cluster
      // (another test file's may be open): wait until both are readable.
      let all: Awaited<ReturnType<EventStore['readAll']>> = [];
      const deadline = Date.now() + 10_000;
      while (all.length < 2 && Date.now() < deadline) {
        all = await store.readAll({ maxCount: 10, streamPrefixes: [prefix] });
        if (all.length < 2) await sleep(20);
      }
      expect(all.map((e) => e.streamId)).toEqual([`${prefix}a`, `${prefix}b`]);
      expect(all[0]!.position.prepare > first.position.prepare).toBe(true);
      expect(comparePositions(all[0]!.position, all[1]!.position)).toBe(-1);
    } finally {
      await client.end();
    }
  });

  /** Holds the only writer on a stream lock, so every append made meanwhile queues into one next batch. */
  async function withQueuedBatch<T>(prefix: string, queue: () => T): Promise<T> {
    const blocker = await openAppendTransaction(subject.raw, `${prefix}blocked`, newEvents(1));
    const first = store.appendToStream(`${prefix}blocked`, newEvents(1));
    const queued = queue();
    await blocker.commit();
    expect((await first).nextVersion).toBe(2);
    return queued;
  }

  it('commits a batch around one stream’s conflict, failing only that append', async () => {
    const prefix = uniquePrefix();
    await store.appendToStream(`${prefix}conflicted`, newEvents(1));
    const { good, conflicting } = await withQueuedBatch(prefix, () => ({
      good: Array.from({ length: 8 }, (_, i) =>
        store.appendToStream(`${prefix}good-${i}`, newEvents(2), { expectedVersion: 'no_stream' }),
      ),
      conflicting: store.appendToStream(`${prefix}conflicted`, newEvents(1), { expectedVersion: 0 }),
    }));
    await expect(conflicting).rejects.toMatchObject({ code: 'VERSION_CONFLICT', details: { actualVersion: 1 } });
    const results = await Promise.all(good);
    for (const r of results) expect(r).toMatchObject({ nextVersion: 2, duplicate: false });
    // One transaction for all of them: the conflict did not split or fail the batch.
    expect(new Set(results.map((r) => r.position.commit)).size).toBe(1);
    expect((await store.readStream(`${prefix}conflicted`)).version).toBe(1);
  });

  it('fails only the bad append when PostgreSQL refuses one append of a batch', async () => {
    const prefix = uniquePrefix();
    const { good, unstorable } = await withQueuedBatch(prefix, () => ({
      good: Array.from({ length: 4 }, (_, i) => store.appendToStream(`${prefix}good-${i}`, newEvents(1))),
      unstorable: store.appendToStream(`${prefix}nul`, [
        { id: crypto.randomUUID(), type: 'Bad', data: { text: 'a\u0000b' } },
      ]),
    }));
    await expect(unstorable).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    for (const r of await Promise.all(good)) expect(r.nextVersion).toBe(1);
    expect((await store.readStream(`${prefix}nul`)).version).toBe(0);
  });

  it('refuses an event id already used in another stream, and writes nothing', async () => {
    const prefix = uniquePrefix();
    const events = newEvents(1);
    await store.appendToStream(`${prefix}a`, events);
    await expect(store.appendToStream(`${prefix}b`, events)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(store.appendToStream(`${prefix}a`, [...events, ...newEvents(1)])).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect((await store.readStream(`${prefix}b`)).version).toBe(0);
    expect((await store.readStream(`${prefix}a`)).version).toBe(1);
  });

  it('wakes subscribers of another process through NOTIFY, long before its fallback poll', async () => {
    const other = await createPostgresEventStore({ connectionString: subject.url, pollIntervalMs: 60_000 });
    const prefix = uniquePrefix();
    const subscription = collect(other, { streamPrefixes: [prefix] });
    try {
      await store.appendToStream(`${prefix}a`, newEvents(1));
      await waitFor(
        () => subscription.events.length === 1,
        () => 'the other process never read the first append',
        5000,
      );
      // Now it sleeps on a 60 s poll: only the NOTIFY can bring the next event in time. Writers
      // look up once a second whether anyone else listens, so give that lookup its second.
      await sleep(1100);
      await store.appendToStream(`${prefix}a`, newEvents(1));
      await waitFor(
        () => subscription.events.length === 2,
        () => 'the other process never heard of the append',
        5000,
      );
    } finally {
      await subscription.stop();
      await other.close();
    }
  });

  it('wakes a subscriber that began listening while the writer still believed nobody listens', async () => {
    // A database of its own: no listener anywhere until the subscriber below.
    const fresh = await postgresSubject();
    const other = await createPostgresEventStore({ connectionString: fresh.url, pollIntervalMs: 60_000 });
    const prefix = uniquePrefix();
    const subscription = { current: undefined as ReturnType<typeof collect> | undefined };
    try {
      // After this commit the writer looks for listeners, finds none, and believes that for a second.
      await fresh.store.appendToStream(`${prefix}a`, newEvents(1));
      const started = performance.now();
      subscription.current = collect(other, { streamPrefixes: [prefix] });
      const { events } = subscription.current;
      await waitFor(
        () => events.length === 1,
        () => 'the subscriber never read the first append',
        5000,
      );
      // Its LISTEN connection is up: it listened, then looked up the newest commit and woke it.
      await waitForListener(fresh.raw);
      await sleep(50);
      // Still within that second: this commit sends no NOTIFY, and the subscriber sleeps on a
      // 60 s poll. Only the listener's second look, once writers have looked again, brings it.
      await fresh.store.appendToStream(`${prefix}a`, newEvents(1));
      expect(performance.now() - started).toBeLessThan(900);
      await waitFor(
        () => events.length === 2,
        () => 'the subscriber never heard of the append made while the writer believed nobody listened',
        5000,
      );
    } finally {
      await subscription.current?.stop();
      await other.close();
      await fresh.cleanup();
    }
  });

  it(
    'notices its LISTEN connection gone silent, listens again, and closes without waiting on it',
    { timeout: 60_000 },
    async () => {
      const url = new URL(subject.url);
      const proxy = await startFreezingProxy({ host: url.hostname, port: Number(url.port) });
      // Over TCP through the proxy (the test URL may name a Unix socket as its host).
      url.port = String(proxy.port);
      url.hostname = '127.0.0.1';
      url.searchParams.delete('host');
      const other = await createPostgresEventStore({ connectionString: url.toString(), pollIntervalMs: 60_000 });
      const prefix = uniquePrefix();
      const subscription = collect(other, { streamPrefixes: [prefix] });
      try {
        await store.appendToStream(`${prefix}a`, newEvents(1));
        await waitFor(
          () => subscription.events.length === 1,
          () => 'the other process never read the first append',
          5000,
        );
        expect(proxy.freezeMatching('es_listener')).toBe(1);
        // Silent now: its heartbeat gives up within 2 + 4 s, and the next wait opens a new one.
        const before = proxy.accepted;
        await waitFor(
          () => proxy.accepted > before,
          () => 'no new LISTEN connection',
          15_000,
        );
        await sleep(1500);
        // Only a NOTIFY heard on the new connection brings this in time (the poll is 60 s).
        await store.appendToStream(`${prefix}a`, newEvents(1));
        await waitFor(
          () => subscription.events.length === 2,
          () => 'the other process never heard of the append',
          5000,
        );
        expect(proxy.freezeMatching('es_listener')).toBe(2);
        await subscription.stop();
        const started = Date.now();
        await other.close();
        expect(Date.now() - started).toBeLessThan(6000);
      } finally {
        await subscription.stop();
        await other.close();
        await proxy.close();
      }
    },
  );

  it('applies its schema again without harm, also from processes starting at once', async () => {
    const stores = await Promise.all(
      Array.from({ length: 3 }, () => createPostgresEventStore({ connectionString: subject.url })),
    );
    await Promise.all(stores.map((s) => s.close()));
    expect((await store.readStream(`${uniquePrefix()}x`)).version).toBe(0);
  });

  it('refuses work after close', async () => {
    const closing = await createPostgresEventStore({ connectionString: subject.url });
    await closing.close();
    await expect(closing.appendToStream('x-1', newEvents(1))).rejects.toThrow(/closed/);
  });
});

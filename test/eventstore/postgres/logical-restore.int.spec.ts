import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../../src/eventstore/postgres/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';

/**
 * A logical restore (pg_dump/pg_restore) carries the events' transaction ids but not the
 * cluster's transaction counter. Simulated here with a row whose transaction id lies ahead of
 * the counter, as a restored row does on a fresh cluster.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

describe('the PostgreSQL store on a database restored logically', () => {
  it('refuses to open, naming the cause, and appends nothing', async () => {
    const store = await createPostgresEventStore({ connectionString: db.url, maxConnections: 2 });
    await store.appendToStream('order-restored', [{ id: randomUUID(), type: 'Noted', data: { n: 1 } }]);
    await store.close();
    // As restored from a cluster whose counter had run a million transactions further.
    await db.pool.query(
      `insert into es_events (transaction_id, stream_id, stream_version, event_id, event_type, data)
       values ((pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000)::text::xid8, 'order-restored', 2, $1, 'Noted', '{"n":2}')`,
      [randomUUID()],
    );
    const before = (await db.pool.query<{ n: string }>('select count(*)::text as n from es_events')).rows[0]?.n;

    await expect(createPostgresEventStore({ connectionString: db.url, maxConnections: 2 })).rejects.toThrow(
      /restored logically \(pg_dump\/pg_restore\).*refuses to open/,
    );
    expect((await db.pool.query<{ n: string }>('select count(*)::text as n from es_events')).rows[0]?.n).toBe(before);
  });

  it('opens as usual on a database whose counter is ahead of every event (the normal case, empty included)', async () => {
    const fresh = await createTestDatabase();
    try {
      const store = await createPostgresEventStore({ connectionString: fresh.url, maxConnections: 2 });
      await store.appendToStream('order-normal', [{ id: randomUUID(), type: 'Noted', data: {} }]);
      await store.close();
      const again = await createPostgresEventStore({ connectionString: fresh.url, maxConnections: 2 });
      await again.close();
    } finally {
      await fresh.close();
    }
  });
});

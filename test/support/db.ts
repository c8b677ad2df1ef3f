import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabaseIfMissing } from '../../src/db/embedded.ts';
import type { EventStore } from '../../src/eventstore/eventStore.ts';
import { createPostgresEventStore } from '../../src/eventstore/postgres/index.ts';

export interface TestDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  /** Closes the pool; the database is left for the run's throwaway cluster to delete. */
  close(): Promise<void>;
}

/** A new, empty database on the run's PostgreSQL, so test files never see each other's rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  await createDatabaseIfMissing(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 20 });
  return { url: url.toString(), pool, close: () => pool.end() };
}

export interface EventStoreFixture {
  readonly db: TestDatabase;
  /** The PostgreSQL event store on `db`'s pool. */
  readonly store: EventStore;
  close(): Promise<void>;
}

/** A new database with the PostgreSQL event store on it (its tables made on first use); close() closes both. */
export async function eventStoreFixture(): Promise<EventStoreFixture> {
  const db = await createTestDatabase();
  const store = await createPostgresEventStore({ pool: db.pool });
  return {
    db,
    store,
    async close() {
      await store.close();
      await db.close();
    },
  };
}

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATION_LOCK_KEY } from '../../src/db/migrate.ts';
import { withTransaction } from '../../src/db/transaction.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { settledWithoutUncaught } from '../support/uncaught.ts';

let db: TestDatabase;
let admin: pg.Client;
beforeAll(async () => {
  db = await createTestDatabase();
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await db.close();
});

/** A pool as the app makes one (src/app/database.ts): an idle client's error is the pool's to hear. */
function appPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('error', () => undefined);
  return pool;
}

/** Ends the backend of the session with this pid, as a server restart or an operator would. */
const terminate = (pid: number) => admin.query('select pg_terminate_backend($1)', [pid]);

describe('a checked-out connection that dies under its work', () => {
  it('fails the transaction instead of ending the process, and the pool goes on with a fresh connection', async () => {
    const pool = appPool();
    try {
      const { result, uncaught } = await settledWithoutUncaught(() =>
        withTransaction(pool, async (client) => {
          const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
          setTimeout(() => void terminate(rows[0]!.pid), 100);
          await client.query('select pg_sleep(5)');
        }),
      );
      expect(result.status).toBe('rejected');
      expect(uncaught).toEqual([]);
      expect((await pool.query<{ ok: number }>('select 1 as ok')).rows[0]!.ok).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('fails a migration waiting for the migration lock instead of ending the process, and a later one applies', async () => {
    const pool = appPool();
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      // Another process is migrating: this one waits on the lock, and its connection is cut meanwhile.
      await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const { result, uncaught } = await settledWithoutUncaught(async () => {
        const migrating = migrate(pool);
        // Handled from the start: it may reject while the loop below still awaits the termination.
        migrating.catch(() => undefined);
        for (;;) {
          const { rows } = await admin.query<{ pid: number }>(
            "select pid from pg_stat_activity where wait_event_type = 'Lock' and query like '%pg_advisory_lock%' and datname = current_database()",
          );
          if (rows[0]) {
            await terminate(rows[0].pid);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return migrating;
      });
      expect(result.status).toBe('rejected');
      expect(uncaught).toEqual([]);
      await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      expect((await migrate(pool)).length).toBeGreaterThan(0);
    } finally {
      await holder.end();
      await pool.end();
    }
  });
});

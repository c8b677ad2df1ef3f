import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createOperatorDirectory, OPERATORS_LISTENER_NAME, type OperatorDirectory } from '../../src/auth/operators.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/**
 * A server's operator directory hears grants and revokes made by any other process (the CLI, a
 * second server, psql) through migration 005's NOTIFY: its cached answer is dropped at once,
 * though it keeps answers for a minute otherwise.
 */
let db: TestDatabase;
const opened: OperatorDirectory[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
});
afterAll(async () => {
  for (const directory of opened) await directory.close();
  await db.close();
});

/** The server's directory: listening, answers kept for a minute. */
const listening = () => {
  const directory = createOperatorDirectory(db.pool, { listen: { connectionString: db.url }, heardCacheMs: 60_000 });
  opened.push(directory);
  return directory;
};
/** As the CLI makes its changes: a directory of its own, so the server's is not told in-process. */
const elsewhere = () => createOperatorDirectory(db.pool, { cacheMs: 0 });

const listenerBackends = async () =>
  (
    await db.pool.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and application_name = $1',
      [OPERATORS_LISTENER_NAME],
    )
  ).rows.map((r) => r.pid);

/** Polls `read` until it gives `expected`, failing after `withinMs`. */
async function until(read: () => Promise<boolean>, expected: boolean, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if ((await read()) === expected) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`still ${String(!expected)} after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('operator directory listening for changes', () => {
  it('drops a cached answer as soon as another process revokes or grants', async () => {
    const server = listening();
    const userId = randomUUID();
    await elsewhere().grant(userId);
    await until(() => server.isOperator(userId), true, 2000);
    await until(async () => (await listenerBackends()).length === 1, true, 2000);

    // Cached for a minute: only the notice can make this flip within a second.
    await elsewhere().revoke(userId);
    await until(() => server.isOperator(userId), false, 1000);
    await elsewhere().grant(userId);
    await until(() => server.isOperator(userId), true, 1000);

    // A change straight in the table (psql) is heard too, deletes included.
    await db.pool.query('delete from user_profiles where user_id = $1', [userId]);
    await until(() => server.isOperator(userId), false, 1000);
  });

  it('loses no change made while its connection was down: what it cached is dropped when the connection is cut and again when it is back', async () => {
    const server = listening();
    const userId = randomUUID();
    await elsewhere().grant(userId);
    await until(async () => (await listenerBackends()).length >= 1, true, 2000);
    await until(() => server.isOperator(userId), true, 2000);

    // Cut every directory's listener, then revoke before they can reconnect (they wait 1 s).
    await db.pool.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1',
      [OPERATORS_LISTENER_NAME],
    );
    await elsewhere().revoke(userId);
    // Its minute-long answer is gone: dropped on the cut, or at the latest on reconnecting (1 s).
    await until(() => server.isOperator(userId), false, 2500);
    // Back: listening again, and hearing.
    await until(async () => (await listenerBackends()).length >= 1, true, 4000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await elsewhere().grant(userId);
    await until(() => server.isOperator(userId), true, 1000);
  });

  it('stops listening on close', async () => {
    const before = (await listenerBackends()).length;
    const server = listening();
    await until(async () => (await listenerBackends()).length === before + 1, true, 2000);
    await server.close();
    await until(async () => (await listenerBackends()).length === before, true, 2000);
  });
});

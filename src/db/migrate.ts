import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';
import { checkOut } from './transaction.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const FILE_PATTERN = /^\d{3,}_[a-z0-9_-]+\.sql$/i;

/** Any constant: it only has to be the same in every process that migrates this database. */
export const MIGRATION_LOCK_KEY = 4_107_553_901;

export interface Migration {
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** The numbered SQL files, in name order (`001_…`, `002_…`). */
export async function loadMigrations(directory: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  const wrong = names.filter((name) => !FILE_PATTERN.test(name));
  if (wrong.length > 0) throw new MigrationError(`Migration files must be named NNN_name.sql: ${wrong.join(', ')}`);
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(new URL(name, directory), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies the migrations not applied yet, each in its own transaction together with its row in
 * `schema_migrations`, so a failure leaves the database at the last good one. Idempotent; safe
 * when several processes start at once (a session advisory lock makes the others wait, then find
 * nothing left to do). An applied migration whose file changed since is refused: migrations are
 * append-only, and silently skipping an edit would leave databases that differ.
 *
 * @returns the names applied by this call.
 */
export async function migrate(pool: pg.Pool, options: { readonly directory?: URL } = {}): Promise<string[]> {
  const migrations = await loadMigrations(options.directory);
  // Checked out with its errors heard: the lock wait can be long, and a server restarting
  // meanwhile must fail this call, not end the process. A client whose unlock failed still holds
  // the lock: it is destroyed, not pooled.
  const { client, release } = await checkOut(pool);
  let unlockFailed: Error | undefined;
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await applyPending(client, migrations);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((error: unknown) => {
        unlockFailed = error instanceof Error ? error : new Error(String(error));
        throw error;
      });
    }
  } finally {
    release(unlockFailed);
  }
}

async function applyPending(client: pg.PoolClient, migrations: readonly Migration[]): Promise<string[]> {
  await client.query(`create table if not exists schema_migrations (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`);
  const { rows } = await client.query<{ name: string; checksum: string }>(
    'select name, checksum from schema_migrations',
  );
  const applied = new Map(rows.map((row) => [row.name, row.checksum]));
  const done: string[] = [];
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new MigrationError(
          `Migration ${migration.name} was changed after it was applied; add a new migration instead`,
        );
      }
      continue;
    }
    try {
      await client.query('begin');
      await client.query(migration.sql);
      await client.query('insert into schema_migrations (name, checksum) values ($1, $2)', [
        migration.name,
        migration.checksum,
      ]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
    }
    done.push(migration.name);
  }
  return done;
}

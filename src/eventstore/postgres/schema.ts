import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';
import { withTransaction } from '../../db/transaction.ts';

const SQL_DIR = new URL('./sql/', import.meta.url);

/** Any constant works; it only has to be the same in every process that applies the schema. */
const SCHEMA_LOCK_KEY = 7_190_421_337;

/**
 * Applies every file in `sql/` in name order. Each file holds one object and is idempotent
 * (`if not exists`, `create or replace`), so this runs at every start. One transaction behind an
 * advisory lock: two processes starting at once would otherwise race on `create table if not exists`.
 */
export async function applyEventStoreSchema(pool: pg.Pool): Promise<void> {
  const files = (await readdir(SQL_DIR)).filter((name) => name.endsWith('.sql')).sort();
  const scripts = await Promise.all(files.map((name) => readFile(new URL(name, SQL_DIR), 'utf8')));
  await withTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
    for (const script of scripts) await client.query(script);
  });
}

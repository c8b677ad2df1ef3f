import pg from 'pg';
import type { Config } from '../config.ts';
import { ensureEmbeddedPostgres } from '../db/embedded.ts';
import type { Closables } from './closables.ts';

/**
 * The read-model pool: DATABASE_URL, or the embedded PostgreSQL in `<dataDir>/postgres` (started
 * here, or reused when the server or the CLI already runs it; stopped on close only if started here).
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  closables: Closables,
  options: { readonly maxConnections?: number; readonly log?: (line: string) => void } = {},
): Promise<{ readonly url: string; readonly pool: pg.Pool; readonly embedded: boolean }> {
  let url = config.databaseUrl;
  let embedded = false;
  if (!url) {
    const database = await ensureEmbeddedPostgres({ dataDir: config.dataDir, ...(options.log ? { log: options.log } : {}) });
    if (database.owned) closables.add('embedded PostgreSQL', () => database.stop());
    url = database.url;
    embedded = true;
  }
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 20 });
  // An idle client's error (the database restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  closables.add('database pool', () => pool.end());
  return { url, pool, embedded };
}

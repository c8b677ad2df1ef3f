import pg from 'pg';
import type { Config, DatabaseTimeouts } from '../config.ts';
import { ensureEmbeddedPostgres } from '../db/embedded.ts';
import { requestPoolConfig } from '../db/timeouts.ts';
import type { Closables } from './closables.ts';

/**
 * The read-model pool: DATABASE_URL, or the embedded PostgreSQL in `<dataDir>/postgres` (started
 * here, or reused when the server or the CLI already runs it; stopped on close only if started here).
 * With `timeouts` (the server), `pool` serves requests and bounds every wait, and
 * `backgroundPool` (a few connections without statement or query timeouts: migrations, the
 * projector's batches, the change feed) is separate; without (the CLI), both are the one pool.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  closables: Closables,
  options: {
    readonly maxConnections?: number;
    readonly log?: (line: string) => void;
    readonly timeouts?: DatabaseTimeouts;
  } = {},
): Promise<{
  readonly url: string;
  readonly pool: pg.Pool;
  readonly backgroundPool: pg.Pool;
  readonly embedded: boolean;
}> {
  let url = config.databaseUrl;
  let embedded = false;
  if (!url) {
    const database = await ensureEmbeddedPostgres({
      dataDir: config.dataDir,
      ...(options.log ? { log: options.log } : {}),
    });
    if (database.owned) closables.add('embedded PostgreSQL', () => database.stop());
    url = database.url;
    embedded = true;
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 20,
    ...(options.timeouts ? requestPoolConfig(options.timeouts) : {}),
  });
  // An idle client's error (the database restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  closables.add('database pool', () => pool.end());
  if (!options.timeouts) return { url, pool, backgroundPool: pool, embedded };
  // The projector holds one connection while it leads, the change feed resyncs on another.
  const backgroundPool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: options.timeouts.connectTimeoutMs,
  });
  backgroundPool.on('error', () => undefined);
  closables.add('background database pool', () => backgroundPool.end());
  return { url, pool, backgroundPool, embedded };
}

import pg from 'pg';

/** Any constant per role; the same in every process sharing the database. */
export const PROJECTOR_LOCK_KEY = 6_220_114_873;
export const REBUILD_LOCK_KEY = 6_220_114_874;

/** A held session advisory lock on a connection of its own; `lost` aborts when the connection dies. */
export interface Leadership {
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

const HEARTBEAT_MS = 2000;

/**
 * Tries to become the one holder of `key` among all processes sharing the database. The lock
 * lives on a dedicated connection: if the process dies the server ends the session and the lock
 * is free at once; if the host vanishes silently, `idle_session_timeout` (10 s without our
 * heartbeat) ends it. Our side aborts `lost` on any error of that connection or a failed
 * heartbeat, so a leader that lost its lock stops promptly.
 */
export async function tryLead(config: pg.ClientConfig, key: number): Promise<Leadership | undefined> {
  const client = new pg.Client(config);
  const lost = new AbortController();
  client.on('error', () => lost.abort());
  client.on('end', () => lost.abort());
  await client.connect();
  try {
    // Older servers lack the setting: then only TCP keepalives cover a vanished host.
    await client.query("set idle_session_timeout = '10s'").catch(() => undefined);
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key]);
    if (!rows[0]?.locked) {
      await client.end();
      return undefined;
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  const heartbeat = setInterval(() => {
    client.query('select 1').catch(() => lost.abort());
  }, HEARTBEAT_MS);
  lost.signal.addEventListener('abort', () => clearInterval(heartbeat), { once: true });
  return {
    lost: lost.signal,
    async release() {
      clearInterval(heartbeat);
      lost.abort();
      // Ending the session releases the lock.
      await client.end().catch(() => undefined);
    },
  };
}

/** True when some session holds the advisory lock `key` (e.g. a projector is leading). */
export async function isLockHeld(db: Pick<pg.ClientBase, 'query'>, key: number): Promise<boolean> {
  const { rows } = await db.query<{ held: boolean }>(
    `select exists (
       select 1 from pg_locks
       where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())
         and ((classid::bigint << 32) | objid::bigint) = $1::bigint and objsubid = 1
     ) as held`,
    [key],
  );
  return rows[0]?.held ?? false;
}

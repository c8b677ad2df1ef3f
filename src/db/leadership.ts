import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startHeartbeat } from './heartbeat.ts';

/** Any constant per role; the same in every process sharing the database. */
export const PROJECTOR_LOCK_KEY = 6_220_114_873;
export const REBUILD_LOCK_KEY = 6_220_114_874;
export const REFUND_REACTOR_LOCK_KEY = 6_220_114_875;

/** A held session advisory lock on a connection of its own; `lost` aborts when the connection dies. */
export interface Leadership {
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

const HEARTBEAT_MS = 2000;
/** Well inside the 10 s idle_session_timeout after which the server frees the lock of a silent session. */
const HEARTBEAT_TIMEOUT_MS = 4000;

/**
 * Tries to become the one holder of `key` among all processes sharing the database. The lock
 * lives on a dedicated connection: if the process dies the server ends the session and the lock
 * is free at once; if the host vanishes silently, `idle_session_timeout` (10 s without our
 * heartbeat) ends it. Our side aborts `lost` on any error of that connection or a heartbeat that
 * fails or takes over 4 s (TCP keepalive on too), so a leader that lost its lock stops before
 * another can take it.
 */
export async function tryLead(config: pg.ClientConfig, key: number): Promise<Leadership | undefined> {
  const client = new pg.Client({ ...config, keepAlive: true });
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
  // A heartbeat that fails or hangs (a half-open connection, whose session the server ends after
  // idle_session_timeout, freeing the lock for another process) means the lead is lost.
  const stopHeartbeat = startHeartbeat(client, () => lost.abort(), { everyMs: HEARTBEAT_MS, timeoutMs: HEARTBEAT_TIMEOUT_MS });
  lost.signal.addEventListener('abort', stopHeartbeat, { once: true });
  return {
    lost: lost.signal,
    async release() {
      stopHeartbeat();
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

export interface WhileLeadingOptions {
  /** How often a process that does not hold the lock tries again, and the wait after a failure. Default 1000 ms. */
  readonly retryMs?: number;
  /** Told of what `work` threw (it is then started again once this process leads again). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Runs `work` whenever this process holds `key`, among all processes sharing the database: one
 * runs it, and another takes over within `retryMs` once the holder stops or dies. `work` gets a
 * signal that aborts when the lock is lost or `signal` aborts; when it throws, the lock is let go
 * and taken again after `retryMs`, so a failure (a dropped connection) does not end the role.
 * Resolves once `signal` aborted and `work` returned.
 */
export async function whileLeading(
  config: pg.ClientConfig,
  key: number,
  signal: AbortSignal,
  work: (leading: AbortSignal) => Promise<void>,
  options: WhileLeadingOptions = {},
): Promise<void> {
  const retryMs = options.retryMs ?? 1000;
  while (!signal.aborted) {
    try {
      const leadership = await tryLead(config, key);
      if (leadership) {
        try {
          await work(AbortSignal.any([signal, leadership.lost]));
        } finally {
          await leadership.release();
        }
      }
    } catch (error) {
      if (!signal.aborted) options.onError?.(error);
    }
    await sleep(retryMs, undefined, { signal }).catch(() => undefined);
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { endWithin, HEARTBEAT_TIMEOUT_MS, startHeartbeat } from './heartbeat.ts';
import { withoutRequestTimeouts } from './timeouts.ts';

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
// HEARTBEAT_TIMEOUT_MS (4 s) is well inside the 10 s idle_session_timeout after which the server frees the lock of a silent session.
/** A process that does not lead keeps its waiting connection only when it tries more often than this. */
const KEEP_WAITING_BELOW_MS = 8000;

/**
 * A connection that can hold the lock. Any error or end of it aborts `broken`. Its session ends
 * after `idle_session_timeout` (10 s) without a query, and with it any lock it holds: a host that
 * vanished silently thus frees the lock for another process.
 */
interface LockSession {
  readonly client: pg.Client;
  readonly broken: AbortController;
}

async function openSession(config: pg.ClientConfig): Promise<LockSession> {
  // Bounded like every other step: a server that accepts the connection and never answers (a
  // network gone dark, a proxy whose backend is down) otherwise held the role's loop, and with
  // it every stop of the role, for good.
  // The session's own bounds (heartbeats, idle_session_timeout) apply, not a request pool's.
  const client = new pg.Client({
    ...withoutRequestTimeouts(config),
    keepAlive: true,
    connectionTimeoutMillis: Math.min(config.connectionTimeoutMillis || HEARTBEAT_TIMEOUT_MS, HEARTBEAT_TIMEOUT_MS),
  });
  const broken = new AbortController();
  client.on('error', () => broken.abort());
  client.on('end', () => broken.abort());
  try {
    await client.connect();
    // Older servers lack the setting: then only TCP keepalives cover a vanished host.
    // (A server, or a pooler, that refuses the setting is let be; one that does not answer is not.)
    await client
      .query({ text: "set idle_session_timeout = '10s'", query_timeout: HEARTBEAT_TIMEOUT_MS } as pg.QueryConfig)
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === undefined) throw error;
      });
  } catch (error) {
    await endWithin(client, HEARTBEAT_TIMEOUT_MS);
    throw error;
  }
  return { client, broken };
}

/**
 * Takes `key` on `session` if no other session holds it. Our side then aborts `lost` on any error
 * of that connection or a heartbeat that fails or takes over 4 s (TCP keepalive on too), so a
 * leader that lost its lock stops before another can take it. Release ends the session.
 */
async function lockOn(session: LockSession, key: number): Promise<Leadership | undefined> {
  const { client, broken } = session;
  // A waiting connection gone half-open would otherwise hang here until TCP gives up (minutes),
  // with no follower able to take over meanwhile.
  // (pg reads query_timeout per query; its typings leave it out.)
  const tryLock = {
    text: 'select pg_try_advisory_lock($1) as locked',
    values: [key],
    query_timeout: HEARTBEAT_TIMEOUT_MS,
  } as pg.QueryConfig;
  const { rows } = await client.query<{ locked: boolean }>(tryLock);
  if (!rows[0]?.locked) return undefined;
  // A heartbeat that fails or hangs (a half-open connection, whose session the server ends after
  // idle_session_timeout, freeing the lock for another process) means the lead is lost.
  const stopHeartbeat = startHeartbeat(client, () => broken.abort(), {
    everyMs: HEARTBEAT_MS,
    timeoutMs: HEARTBEAT_TIMEOUT_MS,
  });
  broken.signal.addEventListener('abort', stopHeartbeat, { once: true });
  return {
    lost: broken.signal,
    async release() {
      stopHeartbeat();
      broken.abort();
      // Ending the session releases the lock (or, if the connection went half-open, the server's
      // idle_session_timeout does).
      await endWithin(client, HEARTBEAT_TIMEOUT_MS);
    },
  };
}

/**
 * Tries once to become the one holder of `key` among all processes sharing the database. The
 * lock lives on a dedicated connection: if the process dies the server ends the session and the
 * lock is free at once; if the host vanishes silently, `idle_session_timeout` ends it.
 */
export async function tryLead(config: pg.ClientConfig, key: number): Promise<Leadership | undefined> {
  const session = await openSession(config);
  try {
    const leadership = await lockOn(session, key);
    if (!leadership) await endWithin(session.client, HEARTBEAT_TIMEOUT_MS);
    return leadership;
  } catch (error) {
    await endWithin(session.client, HEARTBEAT_TIMEOUT_MS);
    throw error;
  }
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
  // A process that does not lead keeps its session between tries: opening one per try was a
  // connection opened and closed every second by every follower of every role.
  let session: LockSession | undefined;
  // Kept only while the next try comes well inside idle_session_timeout (10 s), after which
  // the server ends a silent session.
  const keepWaiting = retryMs < KEEP_WAITING_BELOW_MS;
  const drop = async () => {
    const dropped = session;
    session = undefined;
    if (!dropped) return;
    await endWithin(dropped.client, HEARTBEAT_TIMEOUT_MS);
  };
  try {
    while (!signal.aborted) {
      try {
        if (session?.broken.signal.aborted) await drop();
        session ??= await openSession(config);
        const leadership = await lockOn(session, key);
        if (!leadership && !keepWaiting) await drop();
        if (leadership) {
          // The session is the lead's now; the next candidate opens a new one.
          session = undefined;
          try {
            await work(AbortSignal.any([signal, leadership.lost]));
          } finally {
            await leadership.release();
          }
        }
      } catch (error) {
        await drop();
        if (!signal.aborted) options.onError?.(error);
      }
      await sleep(retryMs, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    await drop();
  }
}

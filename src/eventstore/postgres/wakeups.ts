import pg from 'pg';
import { endWithin, HEARTBEAT_TIMEOUT_MS, startHeartbeat } from '../../db/heartbeat.ts';
import { comparePositions, formatPosition, parsePosition, type GlobalPosition } from '../eventStore.ts';

export const CHANNEL = 'es_events';

/**
 * Tells waiting subscribers that something was committed, and remembers the newest position
 * known to be committed (locally, or announced by another process): a subscriber whose cursor
 * is behind it knows to look again soon even when its read came back empty.
 */
export class Wakeups {
  #generation = 0;
  #latest: GlobalPosition | undefined;
  readonly #waiters = new Set<() => void>();

  get generation(): number {
    return this.#generation;
  }

  get latestKnown(): GlobalPosition | undefined {
    return this.#latest;
  }

  notice(position: GlobalPosition | undefined): void {
    if (position && (!this.#latest || comparePositions(position, this.#latest) > 0)) this.#latest = position;
    this.#generation += 1;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Resolves at the first notice after `generation` was read, after `timeoutMs`, or on abort. */
  wait(generation: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (generation !== this.#generation || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }
}

/** Listener connections name themselves so that writers can tell whether anyone else listens. */
export const listenerName = (instanceId: string): string => `es_listener ${instanceId}`;
/** How long "nobody else listens" is believed before it is looked up again. */
const PRESENCE_TTL_MS = 1000;
const PRESENCE_SQL = `select exists (
  select 1 from pg_stat_activity
  where datname = current_database() and application_name like 'es\\_listener %' and application_name <> $1
) as listening`;

/**
 * Announces commits to other processes with a NOTIFY sent after the commit, never inside the
 * append transaction (a NOTIFY there serialises every commit on a global lock: ~4,000 appends/s).
 * At most one NOTIFY is in flight; commits meanwhile fold into the next one. When no other
 * process has a listener connection (looked up at most once a second) nothing is sent: a
 * listener that appears meanwhile catches up on connecting and then by its fallback poll.
 */
export class Notifier {
  #pending: GlobalPosition | undefined;
  #running: Promise<void> | undefined;
  #othersListen = true;
  #checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly pool: pg.Pool,
    private readonly instanceId: string,
  ) {}

  announce(position: GlobalPosition): void {
    if (!this.#pending || comparePositions(position, this.#pending) > 0) this.#pending = position;
    this.#running ??= this.#flush().finally(() => (this.#running = undefined));
  }

  async settled(): Promise<void> {
    await this.#running;
  }

  async #flush(): Promise<void> {
    while (this.#pending) {
      const position = this.#pending;
      this.#pending = undefined;
      // A lost NOTIFY only delays other processes until their fallback poll; it never loses events.
      try {
        if (await this.#anyoneElseListens()) {
          await this.pool.query({
            name: 'es_notify',
            text: 'select pg_notify($1, $2)',
            values: [CHANNEL, `${this.instanceId}:${formatPosition(position)}`],
          });
        }
      } catch {
        this.#checkedAt = Number.NEGATIVE_INFINITY;
      }
    }
  }

  async #anyoneElseListens(): Promise<boolean> {
    if (Date.now() - this.#checkedAt < PRESENCE_TTL_MS) return this.#othersListen;
    const { rows } = await this.pool.query<{ listening: boolean }>({
      name: 'es_listeners',
      text: PRESENCE_SQL,
      values: [listenerName(this.instanceId)],
    });
    this.#othersListen = rows[0]?.listening ?? true;
    this.#checkedAt = Date.now();
    return this.#othersListen;
  }
}

const NEWEST_SQL =
  'select transaction_id::text as commit, global_position::text as prepare from es_events order by transaction_id desc, global_position desc limit 1';

/** The newest committed event's position, readable yet or not (no horizon here, unlike reads). */
async function newestCommitted(client: pg.Client): Promise<GlobalPosition | undefined> {
  const { rows } = await client.query<{ commit: string; prepare: string }>(NEWEST_SQL);
  const row = rows[0];
  return row ? { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } : undefined;
}

/**
 * One LISTEN connection per store, opened when the first subscriber starts. Announcements from
 * this same store are ignored (it already woke its subscribers in-process). If the connection
 * drops, or goes silent (keepAlive and a heartbeat: a half-open one fires no event of its own),
 * it is reopened a second later, and its first look at the newest commit wakes the subscribers;
 * the fallback poll covers the gap.
 */
export class Listener {
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #retryAt = 0;
  #stopHeartbeat: (() => void) | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly instanceId: string,
    private readonly wakeups: Wakeups,
  ) {}

  ensure(): void {
    if (this.#client || this.#connecting || Date.now() < this.#retryAt) return;
    this.#connecting = this.#connect().finally(() => (this.#connecting = undefined));
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      ...this.config,
      keepAlive: true,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: listenerName(this.instanceId),
    });
    let stopHeartbeat: (() => void) | undefined;
    let dropped = false;
    // Once per connection ('error' and 'end' both come): forget it, end it, try again a second later.
    const drop = (): void => {
      if (dropped) return;
      dropped = true;
      stopHeartbeat?.();
      if (this.#client === client) this.#client = undefined;
      void endWithin(client, HEARTBEAT_TIMEOUT_MS);
      if (this.#retryAt === Number.POSITIVE_INFINITY) return;
      this.#retryAt = Date.now() + RETRY_MS;
      // Not at a subscriber's next wait, which may be a long poll away.
      setTimeout(() => this.ensure(), RETRY_MS + 50).unref();
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (message) => {
      const [from, text] = (message.payload ?? '').split(':');
      if (from === this.instanceId) return;
      this.wakeups.notice(text ? parsePosition(text) : undefined);
    });
    try {
      await client.connect();
      await client.query({ text: `listen ${CHANNEL}`, query_timeout: HEARTBEAT_TIMEOUT_MS } as pg.QueryConfig);
      this.#client = client;
      stopHeartbeat = startHeartbeat(client, drop, { timeoutMs: HEARTBEAT_TIMEOUT_MS });
      this.#stopHeartbeat = stopHeartbeat;
      // Anything committed while we were not listening: let subscribers look, up to the newest
      // commit (they keep looking until an older transaction still open lets them read it).
      this.wakeups.notice(await newestCommitted(client));
      // Writers elsewhere may believe for up to PRESENCE_TTL_MS more that nobody listens and skip
      // their NOTIFY; one more look once every writer has looked again closes that window.
      const settled = setTimeout(() => {
        if (this.#client !== client) return;
        newestCommitted(client).then(
          (position) => this.wakeups.notice(position),
          () => this.wakeups.notice(undefined),
        );
      }, PRESENCE_TTL_MS + 50);
      settled.unref();
    } catch {
      drop();
    }
  }

  async close(): Promise<void> {
    this.#retryAt = Number.POSITIVE_INFINITY;
    await this.#connecting;
    this.#stopHeartbeat?.();
    const client = this.#client;
    this.#client = undefined;
    // A half-open connection never answers the goodbye.
    if (client) await endWithin(client, HEARTBEAT_TIMEOUT_MS);
  }
}

/** A lost connection is opened again after this. */
const RETRY_MS = 1000;
/** Opening the connection, silent server included. */
const CONNECT_TIMEOUT_MS = 10_000;

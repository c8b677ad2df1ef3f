import pg from 'pg';
import { comparePositions, type GlobalPosition } from '../../eventstore/eventStore.ts';
import { endWithin, HEARTBEAT_TIMEOUT_MS, startHeartbeat } from '../../db/heartbeat.ts';
import { readLowestCheckpoint } from './checkpoints.ts';
import { CHANGES_CHANNEL, decodeChangeNotice } from './notifications.ts';
import type { Projection } from './projection.ts';

/** One entity (an order) changed in the read model; the read model has reached `position` (and this change). */
export interface OrderChange<Summary = unknown> {
  readonly orderId: string;
  readonly position: GlobalPosition;
  /**
   * Its row exactly as of `position` (the orders': `findOrderSummaries`' row), when this
   * process's own projector read it back in the commit; otherwise undefined (read it yourself).
   */
  readonly summary?: Summary | undefined;
}

export interface SubscribeOptions {
  /** This listener would use `summary`: the local projector then reads summaries back while it listens. */
  readonly summaries?: boolean;
}

export type OrderChangeListener<Summary = unknown> = (change: OrderChange<Summary>) => void;

/**
 * What the read model tells its readers (GraphQL subscriptions, read-your-writes answers).
 * Every process sharing the database sees every change: its own projector's commits at once,
 * other processes' through LISTEN/NOTIFY.
 */
export interface ChangeFeed<Summary = unknown> {
  /** Called for every order a projection commit changed, after the commit. Returns unsubscribe. */
  subscribe(listener: OrderChangeListener<Summary>, options?: SubscribeOptions): () => void;
  /**
   * Resolves true once the read model has reached `position` (e.g. an append's position: the
   * change is then readable), false after `timeoutMs` (default 5000) or on abort.
   */
  waitForPosition(
    position: GlobalPosition,
    options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal },
  ): Promise<boolean>;
  /** The newest position the read model is known to have reached; undefined before anything. */
  currentPosition(): GlobalPosition | undefined;
}

/** The feed as its owner holds it: the local projector publishes into it; close() on shutdown. */
export interface ChangeFeedHandle<Summary = unknown> extends ChangeFeed<Summary> {
  publish(position: GlobalPosition, orderIds: readonly string[], summaries?: ReadonlyMap<string, Summary>): void;
  /** True while some listener subscribed with `summaries`. */
  wantsSummaries(): boolean;
  /**
   * The backend this process's projector writes on (undefined: none now). Its NOTIFYs are not
   * taken from LISTEN: the projector publishes each of its commits here itself, with summaries,
   * and whichever came first used to win. When it stops, call catchUp(): a batch whose answer
   * was lost with its connection may have committed unpublished.
   */
  projectingOn(backendProcessId: number | undefined): void;
  /** Tells whatever the checkpoint shows beyond the last commit told in full (from the table). */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  readonly pool: pg.Pool;
  /** The projections whose commits it follows: it stands at the lowest checkpoint of those that tell changes (`changedAfter`), and tells what their `changedAfter` finds after a gap. */
  readonly projections: readonly Pick<Projection, 'name' | 'changedAfter'>[];
  /** How often to look at the checkpoint while someone waits and no notice came (a safety net). Default 1000. */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** How the feed's LISTEN connection shows in `pg_stat_activity`. */
export const LISTENER_APPLICATION_NAME = 'read model changes';
/** Opening the LISTEN connection, a server that accepts and never answers included. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A gap before any position: every order. */
const BEFORE_EVERYTHING: GlobalPosition = { commit: -1n, prepare: -1n };

interface Waiter {
  readonly position: GlobalPosition;
  readonly resolve: (reached: boolean) => void;
}

/** Starts listening; resolves once the feed knows where the read model stands. */
export async function startChangeFeed<Summary = unknown>(
  options: ChangeFeedOptions,
): Promise<ChangeFeedHandle<Summary>> {
  const feed = new PostgresChangeFeed<Summary>(options);
  await feed.start();
  return feed;
}

class PostgresChangeFeed<Summary> implements ChangeFeedHandle<Summary> {
  /** The newest commit heard of (maybe only some of its NOTIFY parts). */
  #current: GlobalPosition | undefined;
  /** The newest commit whose changed orders have all been told to the listeners. */
  #complete: GlobalPosition | undefined;
  /** Which NOTIFY parts of the current position were delivered; complete once all were. */
  #parts = { seen: new Set<number>(), complete: true };
  readonly #listeners = new Set<OrderChangeListener<Summary>>();
  readonly #summaryListeners = new Set<OrderChangeListener<Summary>>();
  #projectorBackend: number | undefined;
  readonly #waiters = new Set<Waiter>();
  #client: pg.Client | undefined;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #resyncing: Promise<void> | undefined;
  /**
   * Where the feed stood when notices may have been missed (its LISTEN connection lost, or its
   * process's projector gone with a batch maybe committed unpublished): the next resync tells
   * every order changed after it, however far fresh notices have moved the feed on meanwhile.
   */
  #gapFrom: GlobalPosition | undefined;
  #stopHeartbeat: (() => void) | undefined;

  readonly #names: readonly string[];

  constructor(private readonly options: ChangeFeedOptions) {
    // It stands where the projections that tell changes stand: one that tells none (figures read
    // on demand) has nobody waiting on it, and, added later and catching up from the start, must
    // not hold up read-your-writes. With none that tells, it follows them all.
    const telling = options.projections.filter((projection) => projection.changedAfter !== undefined);
    this.#names = (telling.length > 0 ? telling : options.projections).map((projection) => projection.name);
  }

  async start(): Promise<void> {
    await this.#listen();
    try {
      // LISTEN first, then read where the model stands: nothing committed in between is missed.
      const position = await readLowestCheckpoint(this.options.pool, this.#names);
      if (position && (!this.#current || comparePositions(position, this.#current) > 0)) this.#current = position;
      if (position && (!this.#complete || comparePositions(position, this.#complete) > 0)) this.#complete = position;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  subscribe(listener: OrderChangeListener<Summary>, options: SubscribeOptions = {}): () => void {
    this.#listeners.add(listener);
    if (options.summaries) this.#summaryListeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
      this.#summaryListeners.delete(listener);
    };
  }

  wantsSummaries(): boolean {
    return this.#summaryListeners.size > 0;
  }

  projectingOn(backendProcessId: number | undefined): void {
    this.#projectorBackend = backendProcessId;
  }

  catchUp(): Promise<void> {
    this.#markGap();
    return this.#freshResync();
  }

  currentPosition(): GlobalPosition | undefined {
    return this.#complete;
  }

  waitForPosition(
    position: GlobalPosition,
    options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
  ): Promise<boolean> {
    if (this.#reached(position)) return Promise.resolve(true);
    if (this.#closed || options.signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (reached: boolean): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', abort);
        this.#waiters.delete(waiter);
        resolve(reached);
      };
      const abort = (): void => finish(false);
      const waiter: Waiter = { position, resolve: finish };
      const timer = setTimeout(() => finish(false), options.timeoutMs ?? 5000);
      options.signal?.addEventListener('abort', abort, { once: true });
      this.#waiters.add(waiter);
      this.#schedulePoll();
    });
  }

  publish(position: GlobalPosition, orderIds: readonly string[], summaries?: ReadonlyMap<string, Summary>): void {
    this.#deliver(position, orderIds, undefined, summaries);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#pollTimer);
    for (const waiter of [...this.#waiters]) waiter.resolve(false);
    await this.#resyncing?.catch(() => undefined);
    this.#stopHeartbeat?.();
    const client = this.#client;
    this.#client = undefined;
    // A half-open connection never answers the goodbye.
    if (client) await endWithin(client, HEARTBEAT_TIMEOUT_MS);
  }

  /**
   * Reached once every order of that commit has been told to the listeners: a commit's NOTIFY
   * comes in parts when it changed many orders, and a reader woken after the first part could
   * still meet, say, a cached row of an order named in a later one.
   */
  #reached(position: GlobalPosition): boolean {
    if (this.#complete === undefined || comparePositions(this.#complete, position) < 0) return false;
    // Past the start of a gap, orders may still be untold, however far fresh notices went.
    return !this.#gapFrom || comparePositions(position, this.#gapFrom) <= 0;
  }

  #wakeWaiters(): void {
    for (const waiter of [...this.#waiters]) if (this.#reached(waiter.position)) waiter.resolve(true);
  }

  /** Delivers one commit's changes once: older positions and parts already seen are dropped. */
  #deliver(
    position: GlobalPosition,
    orderIds: readonly string[],
    part: { index: number; of: number } | undefined,
    summaries?: ReadonlyMap<string, Summary>,
  ): void {
    const order = this.#current ? comparePositions(position, this.#current) : 1;
    if (order < 0) return;
    if (order === 0 && (this.#parts.complete || (part && this.#parts.seen.has(part.index)))) return;
    if (order > 0) {
      this.#current = position;
      this.#parts = { seen: new Set(), complete: false };
    }
    if (part) this.#parts.seen.add(part.index);
    if (!part || this.#parts.seen.size >= part.of) this.#parts.complete = true;
    this.#tell(position, orderIds, summaries);
    if (!this.#parts.complete) return;
    if (!this.#complete || comparePositions(position, this.#complete) > 0) this.#complete = position;
    this.#wakeWaiters();
  }

  #tell(position: GlobalPosition, orderIds: readonly string[], summaries?: ReadonlyMap<string, Summary>): void {
    for (const orderId of orderIds) {
      const change: OrderChange<Summary> = { orderId, position, summary: summaries?.get(orderId) };
      for (const listener of this.#listeners) {
        try {
          listener(change);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
    }
  }

  #markGap(): void {
    const at = this.#complete ?? BEFORE_EVERYTHING;
    if (!this.#gapFrom || comparePositions(at, this.#gapFrom) < 0) this.#gapFrom = at;
  }

  async #listen(): Promise<void> {
    // keepAlive and the heartbeat: a half-open connection fires neither 'error' nor 'end', and
    // the feed would go on believing it listens while every notice is lost.
    const client = new pg.Client({
      ...this.options.pool.options,
      keepAlive: true,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: LISTENER_APPLICATION_NAME,
    });
    const heartbeat: { stop?: () => void } = {};
    const lost = (error?: unknown): void => {
      if (error) this.options.onError?.(error);
      heartbeat.stop?.();
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#markGap();
      void endWithin(client, HEARTBEAT_TIMEOUT_MS);
      this.#scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL || !message.payload) return;
      if (this.#projectorBackend !== undefined && message.processId === this.#projectorBackend) return;
      const notice = decodeChangeNotice(message.payload);
      if (notice) this.#deliver(notice.position, notice.orderIds, { index: notice.part, of: notice.parts });
    });
    try {
      await client.connect();
      await client.query({ text: `listen ${CHANGES_CHANNEL}`, query_timeout: HEARTBEAT_TIMEOUT_MS } as pg.QueryConfig);
      // Closed meanwhile: nobody would ever end this connection.
      if (this.#closed) throw new Error('change feed closed');
    } catch (error) {
      await endWithin(client, HEARTBEAT_TIMEOUT_MS);
      throw error;
    }
    this.#client = client;
    heartbeat.stop = startHeartbeat(
      client,
      () => lost(new Error("The change feed's LISTEN connection stopped answering")),
      { timeoutMs: HEARTBEAT_TIMEOUT_MS },
    );
    this.#stopHeartbeat = heartbeat.stop;
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closed) return;
      this.#listen()
        .then(() => this.#freshResync())
        .catch((error: unknown) => {
          if (this.#closed) return;
          this.options.onError?.(error);
          this.#scheduleReconnect();
        });
    }, 1000);
  }

  #schedulePoll(): void {
    if (this.#pollTimer || this.#closed) return;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined;
      if (this.#waiters.size === 0) return;
      this.#resync()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => this.#schedulePoll());
    }, this.options.pollIntervalMs ?? 1000);
  }

  /**
   * Catches up on notices that never arrived (a dropped LISTEN connection, a lost part, a
   * projector gone mid-batch): the orders whose position is past the last commit told in full, or
   * past the start of a gap, are read from the table and told at the checkpoint's position. After
   * a gap they are told even if fresh notices have moved the feed past the checkpoint already: a
   * notice arriving between reconnecting and this read used to hide every change of the outage.
   * A gap closes only by a resync that began while listening (LISTEN first, then read); one run
   * while the connection is down (a waiter's poll) tells what it finds and moves the gap's start
   * up to the checkpoint it read.
   */
  #resync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#resyncing ??= (async () => {
      const listening = this.#client !== undefined;
      const gap = this.#gapFrom;
      const position = await readLowestCheckpoint(this.options.pool, this.#names);
      const from = gap ?? this.#complete;
      if (position && !(from && comparePositions(position, from) <= 0)) {
        const changed = from ? await changedAfter(this.options.pool, this.options.projections, from) : [];
        const order = this.#current ? comparePositions(position, this.#current) : 1;
        // Past what was heard, or completing a commit heard in part: delivered as a commit.
        if (order > 0 || (order === 0 && !this.#parts.complete)) this.#deliver(position, changed, undefined);
        // Fresh notices already carried the feed past the checkpoint: the gap's orders are told anyway.
        else if (gap) this.#tell(position, changed);
      }
      // A gap marked again meanwhile (a new object) is left for the next resync.
      if (gap && this.#gapFrom === gap) this.#gapFrom = listening ? undefined : (position ?? gap);
      this.#wakeWaiters();
    })().finally(() => (this.#resyncing = undefined));
    return this.#resyncing;
  }

  /** A resync that starts now, after any under way (which may have begun before the gap it must tell). */
  async #freshResync(): Promise<void> {
    await this.#resyncing?.catch(() => undefined);
    return this.#resync();
  }
}

/** What the projections that tell changes changed after `after`, oldest change first within each. */
async function changedAfter(
  pool: pg.Pool,
  projections: ChangeFeedOptions['projections'],
  after: GlobalPosition,
): Promise<string[]> {
  const ids = new Set<string>();
  for (const { changedAfter: sql } of projections) {
    if (!sql) continue;
    const { rows } = await pool.query<{ id: string }>(`${sql} order by position_commit, position_prepare`, [
      after.commit.toString(),
      after.prepare.toString(),
    ]);
    for (const row of rows) ids.add(row.id);
  }
  return [...ids];
}

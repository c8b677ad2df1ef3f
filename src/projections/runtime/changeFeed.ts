import pg from 'pg';
import { comparePositions, type GlobalPosition } from '../../commands/eventStore.ts';
import { ORDERS_PROJECTION, readCheckpoint } from './checkpoints.ts';
import { CHANGES_CHANNEL, decodeChangeNotice } from './notifications.ts';
import { ORDERS_CHANGED_AFTER } from '../orders/queries.ts';
import type { OrderRow } from '../orders/viewRows.ts';

/** One order changed in the read model; the read model has reached `position` (and this change). */
export interface OrderChange {
  readonly orderId: string;
  readonly position: GlobalPosition;
  /**
   * The order's summary row exactly as of `position` (`findOrderSummaries`' row), when this
   * process's own projector read it back in the commit; otherwise undefined (read it yourself).
   */
  readonly summary?: OrderRow | undefined;
}

export interface SubscribeOptions {
  /** This listener would use `summary`: the local projector then reads summaries back while it listens. */
  readonly summaries?: boolean;
}

export type OrderChangeListener = (change: OrderChange) => void;

/**
 * What the read model tells its readers (GraphQL subscriptions, read-your-writes answers).
 * Every process sharing the database sees every change: its own projector's commits at once,
 * other processes' through LISTEN/NOTIFY.
 */
export interface ChangeFeed {
  /** Called for every order a projection commit changed, after the commit. Returns unsubscribe. */
  subscribe(listener: OrderChangeListener, options?: SubscribeOptions): () => void;
  /**
   * Resolves true once the read model has reached `position` (e.g. an append's position: the
   * change is then readable), false after `timeoutMs` (default 5000) or on abort.
   */
  waitForPosition(position: GlobalPosition, options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<boolean>;
  /** The newest position the read model is known to have reached; undefined before anything. */
  currentPosition(): GlobalPosition | undefined;
}

/** The feed as its owner holds it: the local projector publishes into it; close() on shutdown. */
export interface ChangeFeedHandle extends ChangeFeed {
  publish(position: GlobalPosition, orderIds: readonly string[], summaries?: ReadonlyMap<string, OrderRow>): void;
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
  /** How often to look at the checkpoint while someone waits and no notice came (a safety net). Default 1000. */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

interface Waiter {
  readonly position: GlobalPosition;
  readonly resolve: (reached: boolean) => void;
}

/** Starts listening; resolves once the feed knows where the read model stands. */
export async function startChangeFeed(options: ChangeFeedOptions): Promise<ChangeFeedHandle> {
  const feed = new PostgresChangeFeed(options);
  await feed.start();
  return feed;
}

class PostgresChangeFeed implements ChangeFeedHandle {
  /** The newest commit heard of (maybe only some of its NOTIFY parts). */
  #current: GlobalPosition | undefined;
  /** The newest commit whose changed orders have all been told to the listeners. */
  #complete: GlobalPosition | undefined;
  /** Which NOTIFY parts of the current position were delivered; complete once all were. */
  #parts = { seen: new Set<number>(), complete: true };
  readonly #listeners = new Set<OrderChangeListener>();
  readonly #summaryListeners = new Set<OrderChangeListener>();
  #projectorBackend: number | undefined;
  readonly #waiters = new Set<Waiter>();
  #client: pg.Client | undefined;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #resyncing: Promise<void> | undefined;

  constructor(private readonly options: ChangeFeedOptions) {}

  async start(): Promise<void> {
    await this.#listen();
    // LISTEN first, then read where the model stands: nothing committed in between is missed.
    const { position } = await readCheckpoint(this.options.pool, ORDERS_PROJECTION);
    if (position && (!this.#current || comparePositions(position, this.#current) > 0)) this.#current = position;
    if (position && (!this.#complete || comparePositions(position, this.#complete) > 0)) this.#complete = position;
  }

  subscribe(listener: OrderChangeListener, options: SubscribeOptions = {}): () => void {
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
    return this.#resync();
  }

  currentPosition(): GlobalPosition | undefined {
    return this.#complete;
  }

  waitForPosition(position: GlobalPosition, options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<boolean> {
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

  publish(position: GlobalPosition, orderIds: readonly string[], summaries?: ReadonlyMap<string, OrderRow>): void {
    this.#deliver(position, orderIds, undefined, summaries);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#pollTimer);
    for (const waiter of [...this.#waiters]) waiter.resolve(false);
    await this.#resyncing?.catch(() => undefined);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  /**
   * Reached once every order of that commit has been told to the listeners: a commit's NOTIFY
   * comes in parts when it changed many orders, and a reader woken after the first part could
   * still meet, say, a cached row of an order named in a later one.
   */
  #reached(position: GlobalPosition): boolean {
    return this.#complete !== undefined && comparePositions(this.#complete, position) >= 0;
  }

  /** Delivers one commit's changes once: older positions and parts already seen are dropped. */
  #deliver(position: GlobalPosition, orderIds: readonly string[], part: { index: number; of: number } | undefined, summaries?: ReadonlyMap<string, OrderRow>): void {
    const order = this.#current ? comparePositions(position, this.#current) : 1;
    if (order < 0) return;
    if (order === 0 && (this.#parts.complete || (part && this.#parts.seen.has(part.index)))) return;
    if (order > 0) {
      this.#current = position;
      this.#parts = { seen: new Set(), complete: false };
    }
    if (part) this.#parts.seen.add(part.index);
    if (!part || this.#parts.seen.size >= part.of) this.#parts.complete = true;
    for (const orderId of orderIds) {
      const change: OrderChange = { orderId, position, summary: summaries?.get(orderId) };
      for (const listener of this.#listeners) {
        try {
          listener(change);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
    }
    if (!this.#parts.complete) return;
    if (!this.#complete || comparePositions(position, this.#complete) > 0) this.#complete = position;
    for (const waiter of [...this.#waiters]) if (this.#reached(waiter.position)) waiter.resolve(true);
  }

  async #listen(): Promise<void> {
    const client = new pg.Client(this.options.pool.options);
    const lost = (error?: unknown): void => {
      if (error) this.options.onError?.(error);
      if (this.#client !== client) return;
      this.#client = undefined;
      void client.end().catch(() => undefined);
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
    await client.connect();
    await client.query(`listen ${CHANGES_CHANNEL}`);
    this.#client = client;
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closed) return;
      this.#listen()
        .then(() => this.#resync())
        .catch((error: unknown) => {
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
   * Catches up on notices that never arrived (a dropped LISTEN connection, a lost part): the
   * orders whose position is past the last commit told in full are read from the table and
   * delivered at the checkpoint's position.
   */
  #resync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#resyncing ??= (async () => {
      const { position } = await readCheckpoint(this.options.pool, ORDERS_PROJECTION);
      const from = this.#complete;
      if (!position || (from && comparePositions(position, from) <= 0)) return;
      const changed = from ? await ordersChangedAfter(this.options.pool, from) : [];
      this.#deliver(position, changed, undefined);
    })().finally(() => (this.#resyncing = undefined));
    return this.#resyncing;
  }
}

async function ordersChangedAfter(pool: pg.Pool, after: GlobalPosition): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `${ORDERS_CHANGED_AFTER} order by position_commit, position_prepare`,
    [after.commit.toString(), after.prepare.toString()],
  );
  return rows.map((row) => row.id);
}

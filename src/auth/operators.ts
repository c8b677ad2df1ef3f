import pg from 'pg';
import { isUuid } from './viewer.ts';
import { AppError } from '../domain/errors.ts';
import { startHeartbeat } from '../db/heartbeat.ts';

/** Who is an operator: `user_profiles.is_operator`, the only source of that right. */
export interface OperatorDirectory {
  isOperator(userId: string): Promise<boolean>;
  /** The answer `isOperator` would reuse now without a query, if it has one. */
  cachedIsOperator(userId: string): boolean | undefined;
  grant(userId: string): Promise<void>;
  revoke(userId: string): Promise<void>;
  /** Stops listening for changes (when it listened). */
  close(): Promise<void>;
}

export interface OperatorDirectoryOptions {
  /**
   * How long one answer is reused while changes are not heard (no `listen`, or its connection
   * is down). Kept short (2 s by default) so a change made elsewhere takes effect within
   * seconds even then; 0 disables the cache.
   */
  readonly cacheMs?: number;
  /**
   * Listen for changes to `user_profiles` (migration 005 announces each one on channel
   * `user_profiles`) on a connection of its own with this config: each change drops that user's
   * answer at once, whichever process made it, and answers are then reused for `heardCacheMs`.
   */
  readonly listen?: pg.ClientConfig;
  /** How long one answer is reused while the listener is connected. Default 60 s. */
  readonly heardCacheMs?: number;
  readonly clock?: () => number;
  /** Bound on remembered users, so a flood of distinct tokens cannot grow memory. */
  readonly maxEntries?: number;
}

export const OPERATORS_CHANNEL = 'user_profiles';
/** Listener connections name themselves, for `pg_stat_activity` (and tests that cut them). */
export const OPERATORS_LISTENER_NAME = 'operator directory';
const RECONNECT_MS = 1000;
const HEARTBEAT_MS = 5000;
const HEARTBEAT_TIMEOUT_MS = 5000;

/**
 * Looked up per request. The cache exists for throughput (thousands of requests a second would
 * otherwise each cost a query); grants and revokes through this object clear it at once, and
 * with `listen` so do those made anywhere else.
 */
export function createOperatorDirectory(
  pool: Pick<pg.Pool, 'query'>,
  options: OperatorDirectoryOptions = {},
): OperatorDirectory {
  const cacheMs = options.cacheMs ?? 2000;
  const heardCacheMs = options.heardCacheMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.clock ?? Date.now;
  const cache = new Map<string, { value: boolean; until: number }>();
  const listener = options.listen && cacheMs > 0 ? new ChangeListener(options.listen, cache) : undefined;

  const set = async (userId: string, isOperator: boolean) => {
    if (!isUuid(userId))
      throw new AppError('BAD_USER_INPUT', `User id must be a uuid, got "${userId}"`, {
        fields: [{ path: 'userId', message: 'must be a uuid' }],
      });
    const id = userId.toLowerCase();
    await pool.query(
      `insert into user_profiles (user_id, is_operator) values ($1, $2)
       on conflict (user_id) do update set is_operator = excluded.is_operator`,
      [id, isOperator],
    );
    cache.delete(id);
  };

  const cached = (userId: string): boolean | undefined => {
    const hit = cache.get(userId);
    return hit && hit.until > now() ? hit.value : undefined;
  };

  return {
    cachedIsOperator: cached,
    async isOperator(userId) {
      const hit = cached(userId);
      if (hit !== undefined) return hit;
      const generation = listener?.generation;
      const { rows } = await pool.query<{ is_operator: boolean }>(
        'select is_operator from user_profiles where user_id = $1',
        [userId],
      );
      const value = rows[0]?.is_operator === true;
      // A change heard while the read was out may have come after the row it read: not kept.
      if (cacheMs > 0 && listener?.generation === generation) {
        const ttl = listener?.hearing ? heardCacheMs : cacheMs;
        // Map keeps insertion order: deleting then re-adding makes the oldest entry first to go.
        cache.delete(userId);
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(userId, { value, until: now() + ttl });
      }
      return value;
    },
    grant: (userId) => set(userId, true),
    revoke: (userId) => set(userId, false),
    close: async () => listener?.close(),
  };
}

/**
 * The LISTEN connection: drops a user's cached answer when told of a change, and everything
 * when it connects (changes made while it was not listening were never heard), drops (answers
 * kept for the long time must not outlive it; a heartbeat every 5 s, TCP keepalive on, catches
 * a connection that died silently) or closes. `generation` moves on with each of these.
 */
class ChangeListener {
  generation = 0;
  hearing = false;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly cache: Map<string, unknown>,
  ) {
    this.#connect();
  }

  #forget(userId?: string): void {
    this.generation += 1;
    if (userId === undefined || userId === '*') this.cache.clear();
    else this.cache.delete(userId);
  }

  #connect(): void {
    if (this.#closed) return;
    const client = new pg.Client({ ...this.config, application_name: OPERATORS_LISTENER_NAME, keepAlive: true });
    this.#client = client;
    let dropped = false;
    let stopHeartbeat = (): void => undefined;
    const drop = (): void => {
      if (dropped) return;
      dropped = true;
      stopHeartbeat();
      this.hearing = false;
      this.#forget();
      if (this.#client === client) this.#client = undefined;
      void client.end().catch(() => undefined);
      if (!this.#closed) {
        this.#timer = setTimeout(() => this.#connect(), RECONNECT_MS);
        this.#timer.unref();
      }
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (message) => {
      if (message.channel === OPERATORS_CHANNEL) this.#forget(message.payload ?? '*');
    });
    client
      .connect()
      .then(() => client.query(`listen ${OPERATORS_CHANNEL}`))
      .then(() => {
        if (dropped) return;
        this.#forget();
        this.hearing = true;
        // A connection that died silently would otherwise look like one that hears nothing new.
        stopHeartbeat = startHeartbeat(client, drop, { everyMs: HEARTBEAT_MS, timeoutMs: HEARTBEAT_TIMEOUT_MS });
      })
      .catch(drop);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.hearing = false;
    this.#forget();
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}

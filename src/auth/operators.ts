import type pg from 'pg';
import { isUuid } from './viewer.ts';
import { AppError } from '../domain/errors.ts';

/** Who is an operator: `user_profiles.is_operator`, the only source of that right. */
export interface OperatorDirectory {
  isOperator(userId: string): Promise<boolean>;
  grant(userId: string): Promise<void>;
  revoke(userId: string): Promise<void>;
}

export interface OperatorDirectoryOptions {
  /**
   * How long one answer is reused. Kept short (2 s by default) so a revoke made anywhere,
   * also by the CLI in another process, takes effect within seconds; 0 disables the cache.
   */
  readonly cacheMs?: number;
  readonly clock?: () => number;
  /** Bound on remembered users, so a flood of distinct tokens cannot grow memory. */
  readonly maxEntries?: number;
}

/**
 * Looked up per request. The short cache exists for throughput (thousands of requests a
 * second would otherwise each cost a query); grants and revokes through this object clear it at once.
 */
export function createOperatorDirectory(pool: Pick<pg.Pool, 'query'>, options: OperatorDirectoryOptions = {}): OperatorDirectory {
  const cacheMs = options.cacheMs ?? 2000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.clock ?? Date.now;
  const cache = new Map<string, { value: boolean; until: number }>();

  const set = async (userId: string, isOperator: boolean) => {
    if (!isUuid(userId)) throw new AppError('BAD_USER_INPUT', `User id must be a uuid, got "${userId}"`, { fields: [{ path: 'userId', message: 'must be a uuid' }] });
    const id = userId.toLowerCase();
    await pool.query(
      `insert into user_profiles (user_id, is_operator) values ($1, $2)
       on conflict (user_id) do update set is_operator = excluded.is_operator`,
      [id, isOperator],
    );
    cache.delete(id);
  };

  return {
    async isOperator(userId) {
      const hit = cache.get(userId);
      if (hit && hit.until > now()) return hit.value;
      const { rows } = await pool.query<{ is_operator: boolean }>('select is_operator from user_profiles where user_id = $1', [userId]);
      const value = rows[0]?.is_operator === true;
      if (cacheMs > 0) {
        // Map keeps insertion order: deleting then re-adding makes the oldest entry first to go.
        cache.delete(userId);
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(userId, { value, until: now() + cacheMs });
      }
      return value;
    },
    grant: (userId) => set(userId, true),
    revoke: (userId) => set(userId, false),
  };
}

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
   * How long what was read is reused. Kept short (2 s by default) so a revoke made anywhere,
   * also by the CLI in another process, takes effect within seconds; 0 disables the cache.
   */
  readonly cacheMs?: number;
  readonly clock?: () => number;
  /**
   * Most operators held as one set; with more, each user is looked up on their own (and at most
   * this many answers remembered, so a flood of distinct tokens cannot grow memory).
   */
  readonly maxEntries?: number;
}

/**
 * Looked up on every request, so it reads the whole set of operators (few, next to the users) in
 * one query at most every `cacheMs`, shared by every request meanwhile: one query per interval
 * per process, whatever the number of users asking. Per-user answers would cost a query per
 * user per interval (a thousand customers: hundreds a second). Grants and revokes through this
 * object take effect here at once.
 */
export function createOperatorDirectory(pool: Pick<pg.Pool, 'query'>, options: OperatorDirectoryOptions = {}): OperatorDirectory {
  const cacheMs = options.cacheMs ?? 2000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.clock ?? Date.now;
  /** Every operator's id (lowercase) as read at `readAt`; undefined when there were too many. */
  let snapshot: { readonly ids: Set<string> | undefined; readonly readAt: number } | undefined;
  let reading: Promise<Set<string> | undefined> | undefined;
  const answers = new Map<string, { value: boolean; until: number }>();

  // A grant or revoke made here bumps it: a read that began before it is not kept.
  let generation = 0;

  const everyOperator = (): Promise<Set<string> | undefined> => {
    if (snapshot && now() - snapshot.readAt < cacheMs) return Promise.resolve(snapshot.ids);
    if (!reading) {
      const started = generation;
      const read = (async () => {
        const readAt = now();
        const { rows } = await pool.query<{ user_id: string }>('select user_id::text from user_profiles where is_operator limit $1', [maxEntries + 1]);
        const ids = rows.length > maxEntries ? undefined : new Set(rows.map((row) => row.user_id));
        if (generation === started) snapshot = { ids, readAt };
        return ids;
      })();
      reading = read;
      read.then(
        () => reading === read && (reading = undefined),
        () => reading === read && (reading = undefined),
      );
    }
    return reading;
  };

  /** One user's answer, for when the operators are too many to hold (or caching is off). */
  const lookUp = async (id: string): Promise<boolean> => {
    const hit = answers.get(id);
    if (hit && hit.until > now()) return hit.value;
    const { rows } = await pool.query<{ is_operator: boolean }>('select is_operator from user_profiles where user_id = $1', [id]);
    const value = rows[0]?.is_operator === true;
    if (cacheMs > 0) {
      // Map keeps insertion order: deleting then re-adding makes the oldest entry first to go.
      answers.delete(id);
      if (answers.size >= maxEntries) answers.delete(answers.keys().next().value as string);
      answers.set(id, { value, until: now() + cacheMs });
    }
    return value;
  };

  const set = async (userId: string, isOperator: boolean) => {
    if (!isUuid(userId)) throw new AppError('BAD_USER_INPUT', `User id must be a uuid, got "${userId}"`, { fields: [{ path: 'userId', message: 'must be a uuid' }] });
    const id = userId.toLowerCase();
    await pool.query(
      `insert into user_profiles (user_id, is_operator) values ($1, $2)
       on conflict (user_id) do update set is_operator = excluded.is_operator`,
      [id, isOperator],
    );
    answers.delete(id);
    // A read in flight may have started before this write: the next asker reads again.
    generation += 1;
    snapshot = undefined;
    reading = undefined;
  };

  return {
    async isOperator(userId) {
      if (!isUuid(userId)) return false;
      const id = userId.toLowerCase();
      const ids = cacheMs > 0 ? await everyOperator() : undefined;
      return ids ? ids.has(id) : lookUp(id);
    },
    grant: (userId) => set(userId, true),
    revoke: (userId) => set(userId, false),
  };
}

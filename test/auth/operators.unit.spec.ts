import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createOperatorDirectory } from '../../src/auth/operators.ts';

/** A user_profiles stand-in that answers the directory's two reads and its upsert, counting queries. */
function profiles() {
  const operators = new Set<string>();
  const queries: string[] = [];
  let held: Promise<void> | undefined;
  const pool = {
    query: async (text: string, values: unknown[] = []) => {
      queries.push(text);
      if (text.startsWith('select user_id::text')) {
        // The rows as they are when the read starts, answered maybe later.
        const rows = [...operators].slice(0, values[0] as number).map((user_id) => ({ user_id }));
        await held;
        return { rows };
      }
      if (text.startsWith('select is_operator')) return Promise.resolve({ rows: operators.has(values[0] as string) ? [{ is_operator: true }] : [] });
      if (text.startsWith('insert into user_profiles')) {
        if (values[1]) operators.add(values[0] as string);
        else operators.delete(values[0] as string);
        return Promise.resolve({ rows: [] });
      }
      return Promise.reject(new Error(`unexpected query ${text}`));
    },
  };
  /** The next read of every operator answers only once `release` is called. */
  const holdNextRead = () => {
    let release = () => undefined as void;
    held = new Promise<void>((resolve) => (release = resolve)).then(() => void (held = undefined));
    return release;
  };
  return { operators, queries, holdNextRead, pool: pool as unknown as Parameters<typeof createOperatorDirectory>[0] };
}

describe('the operator directory', () => {
  it('answers a thousand different users with one read of every operator', async () => {
    const db = profiles();
    const operator = randomUUID();
    db.operators.add(operator);
    const directory = createOperatorDirectory(db.pool, { clock: () => 0 });
    const customers = Array.from({ length: 1000 }, () => randomUUID());
    const answers = await Promise.all(customers.map((id) => directory.isOperator(id)));
    expect(answers.every((answer) => answer === false)).toBe(true);
    expect(await directory.isOperator(operator.toUpperCase())).toBe(true);
    expect(db.queries).toHaveLength(1);
  });

  it('sees a change made elsewhere once its interval has passed, and one made through it at once', async () => {
    const db = profiles();
    let now = 0;
    const user = randomUUID();
    const directory = createOperatorDirectory(db.pool, { cacheMs: 2000, clock: () => now });
    expect(await directory.isOperator(user)).toBe(false);
    db.operators.add(user); // granted by another process
    now = 1999;
    expect(await directory.isOperator(user)).toBe(false);
    now = 2000;
    expect(await directory.isOperator(user)).toBe(true);
    await directory.revoke(user);
    expect(await directory.isOperator(user)).toBe(false);
    await directory.grant(user);
    expect(await directory.isOperator(user)).toBe(true);
  });

  it('does not keep a read that began before a grant made through it', async () => {
    const db = profiles();
    const user = randomUUID();
    const directory = createOperatorDirectory(db.pool, { clock: () => 0 });
    const release = db.holdNextRead();
    const before = directory.isOperator(user);
    await directory.grant(user);
    release();
    expect(await before).toBe(false);
    expect(await directory.isOperator(user)).toBe(true);
  });

  it('looks each user up on their own when the operators are too many to hold, or caching is off', async () => {
    const db = profiles();
    const [a, b] = [randomUUID(), randomUUID()];
    db.operators.add(a);
    db.operators.add(b);
    const few = createOperatorDirectory(db.pool, { maxEntries: 1, clock: () => 0 });
    expect([await few.isOperator(a), await few.isOperator(b), await few.isOperator(randomUUID())]).toEqual([true, true, false]);
    expect(db.queries.filter((q) => q.startsWith('select is_operator'))).toHaveLength(3);
    const uncached = createOperatorDirectory(db.pool, { cacheMs: 0 });
    db.queries.length = 0;
    expect([await uncached.isOperator(a), await uncached.isOperator(a)]).toEqual([true, true]);
    expect(db.queries).toHaveLength(2);
  });

  it('answers no for a user id that is not a uuid, asking nothing', async () => {
    const db = profiles();
    expect(await createOperatorDirectory(db.pool).isOperator('not-a-uuid')).toBe(false);
    expect(db.queries).toHaveLength(0);
  });
});

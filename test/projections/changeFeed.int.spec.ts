import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPosition, type GlobalPosition } from '../../src/commands/eventStore.ts';
import { startChangeFeed, startReadModel, type ChangeFeedHandle } from '../../src/projections/index.ts';
import { CHANGES_CHANNEL } from '../../src/projections/runtime/notifications.ts';
import { randomOrderLife, readModelFixture, seededRandom, waitUntilCaughtUp, type ReadModelFixture } from './support.ts';

/** One NOTIFY part as the projector sends it. */
const notice = (position: GlobalPosition, part: number, parts: number, orderIds: string[]) =>
  JSON.stringify({ p: formatPosition(position), i: part, n: parts, o: orderIds });

describe('the change feed', () => {
  let fx: ReadModelFixture;
  beforeAll(async () => {
    fx = await readModelFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  const notify = (payload: string) => fx.db.pool.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, payload]);
  const after = (position: GlobalPosition, by: bigint): GlobalPosition => ({ commit: position.commit + by, prepare: position.prepare + by });

  it('answers read-your-writes only once every part of a commit\'s notice has told its orders', async () => {
    const feed: ChangeFeedHandle = await startChangeFeed({ pool: fx.db.pool, pollIntervalMs: 60_000 });
    const heard: string[] = [];
    feed.subscribe((change) => heard.push(change.orderId));
    try {
      const base = feed.currentPosition() ?? { commit: 1n, prepare: 1n };
      const position = after(base, 1000n);
      const [first, second] = [randomUUID(), randomUUID()];
      await notify(notice(position, 0, 2, [first]));
      await expect.poll(() => heard).toContain(first);
      expect(await feed.waitForPosition(position, { timeoutMs: 300 })).toBe(false);
      const waiting = feed.waitForPosition(position, { timeoutMs: 10_000 }).then((reached) => ({ reached, heard: [...heard] }));
      await notify(notice(position, 1, 2, [second]));
      // When the waiter wakes, the listeners have heard of every order of that commit.
      expect(await waiting).toEqual({ reached: true, heard: [first, second] });
      expect(feed.currentPosition()).toEqual(position);
    } finally {
      await feed.close();
    }
  });

  it('tells the orders of a commit whose notice lost a part, from the table, and then wakes its waiters', async () => {
    const readModel = await startReadModel({ pool: fx.db.pool, eventStore: fx.store, projector: true });
    const orderId = await randomOrderLife(fx.commands, seededRandom(31), 0);
    await waitUntilCaughtUp(fx.db.pool, fx.store);
    await readModel.close();
    const feed = await startChangeFeed({ pool: fx.db.pool, pollIntervalMs: 100 });
    const heard: string[] = [];
    feed.subscribe((change) => heard.push(change.orderId));
    try {
      // A commit at `position` changed our order (the table and checkpoint say so), but of its
      // two NOTIFY parts only the first, naming another order, ever arrives.
      const position = after(feed.currentPosition()!, 1000n);
      await fx.db.pool.query('update production_orders set position_commit = $2, position_prepare = $3 where id = $1', [orderId, position.commit.toString(), position.prepare.toString()]);
      await fx.db.pool.query("update projection_checkpoints set position_commit = $1, position_prepare = $2 where name = 'orders'", [position.commit.toString(), position.prepare.toString()]);
      await notify(notice(position, 0, 2, [randomUUID()]));
      expect(await feed.waitForPosition(position, { timeoutMs: 10_000 })).toBe(true);
      expect(heard).toContain(orderId);
    } finally {
      await feed.close();
    }
  });
});

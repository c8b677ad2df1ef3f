import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { formatPosition, type GlobalPosition } from '../../../src/eventstore/eventStore.ts';
import {
  findOrderSummaries,
  orderSummaryView,
  startChangeFeed,
  type ChangeFeedHandle,
  type OrderChange,
} from '../../../src/projections/index.ts';
import { LISTENER_APPLICATION_NAME } from '../../../src/projections/engine/changeFeed.ts';
import { CHANGES_CHANNEL } from '../../../src/projections/engine/notifications.ts';
import { startFreezingProxy } from '../../support/proxy.ts';
import { randomOrderLife, readModelFixture, readModelSuite, seededRandom } from '../support.ts';

/** One NOTIFY part as the projector sends it. */
/**
 * What a projected change leaves on the order: its new version and position. An unknown event
 * type or a dead letter leaves nothing else (no timeline entry), so the catch-up reads positions.
 */
async function projectChange(
  db: Pick<pg.ClientBase, 'query'>,
  orderId: string,
  position: GlobalPosition,
): Promise<void> {
  await db.query(
    'update production_orders set version = version + 1, position_commit = $2, position_prepare = $3 where id = $1',
    [orderId, position.commit.toString(), position.prepare.toString()],
  );
}

const notice = (position: GlobalPosition, part: number, parts: number, orderIds: string[]) =>
  JSON.stringify({ p: formatPosition(position), i: part, n: parts, o: orderIds });

describe('the change feed', () => {
  const fx = readModelSuite();

  const notify = (payload: string) => fx.db.pool.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, payload]);
  const after = (position: GlobalPosition, by: bigint): GlobalPosition => ({
    commit: position.commit + by,
    prepare: position.prepare + by,
  });

  it("answers read-your-writes only once every part of a commit's notice has told its orders", async () => {
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
      const waiting = feed
        .waitForPosition(position, { timeoutMs: 10_000 })
        .then((reached) => ({ reached, heard: [...heard] }));
      await notify(notice(position, 1, 2, [second]));
      // When the waiter wakes, the listeners have heard of every order of that commit.
      expect(await waiting).toEqual({ reached: true, heard: [first, second] });
      expect(feed.currentPosition()).toEqual(position);
    } finally {
      await feed.close();
    }
  });

  it('tells the orders of a commit whose notice lost a part, from the table, and then wakes its waiters', async () => {
    const readModel = await fx.project();
    const orderId = await randomOrderLife(fx.commands, seededRandom(31), 0);
    await fx.caughtUp();
    await readModel.close();
    const feed = await startChangeFeed({ pool: fx.db.pool, pollIntervalMs: 100 });
    const heard: string[] = [];
    feed.subscribe((change) => heard.push(change.orderId));
    try {
      // A commit at `position` changed our order (the table and checkpoint say so), but of its
      // two NOTIFY parts only the first, naming another order, ever arrives.
      const position = after(feed.currentPosition()!, 1000n);
      await projectChange(fx.db.pool, orderId, position);
      await fx.db.pool.query(
        "update projection_checkpoints set position_commit = $1, position_prepare = $2 where name = 'orders'",
        [position.commit.toString(), position.prepare.toString()],
      );
      await notify(notice(position, 0, 2, [randomUUID()]));
      expect(await feed.waitForPosition(position, { timeoutMs: 10_000 })).toBe(true);
      expect(heard).toContain(orderId);
    } finally {
      await feed.close();
    }
  });

  it("takes nothing its own projector's backend announces from LISTEN, and catches up from the table when that projector lets go", async () => {
    // A database of its own: the tests above moved this one's checkpoint past its events.
    const own = await readModelFixture();
    const readModel = await own.project();
    const orderId = await randomOrderLife(own.commands, seededRandom(43), 0);
    await own.caughtUp();
    await readModel.close();
    const feed = await startChangeFeed({ pool: own.db.pool, pollIntervalMs: 60_000 });
    const projector = await own.db.pool.connect();
    const heard: string[] = [];
    feed.subscribe((change) => heard.push(change.orderId));
    try {
      const { rows } = await projector.query<{ pid: number }>('select pg_backend_pid() as pid');
      feed.projectingOn(rows[0]!.pid);
      // A batch this process's projector committed, whose local publish never came (its answer
      // was lost with the connection): rows, checkpoint and NOTIFY, all from its backend.
      const position = after(feed.currentPosition()!, 1000n);
      await projector.query('begin');
      await projectChange(projector, orderId, position);
      await projector.query(
        "update projection_checkpoints set position_commit = $1, position_prepare = $2 where name = 'orders'",
        [position.commit.toString(), position.prepare.toString()],
      );
      await projector.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, notice(position, 0, 2, [orderId])]);
      await projector.query('commit');
      // The commit's other part from another backend: heard once LISTEN has passed the first.
      const sentinel = randomUUID();
      await own.db.pool.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, notice(position, 1, 2, [sentinel])]);
      await expect.poll(() => heard).toContain(sentinel);
      expect(heard).not.toContain(orderId);
      expect(await feed.waitForPosition(position, { timeoutMs: 200 })).toBe(false);
      feed.projectingOn(undefined);
      await feed.catchUp();
      expect(await feed.waitForPosition(position, { timeoutMs: 200 })).toBe(true);
      expect(heard).toContain(orderId);
    } finally {
      projector.release();
      await feed.close();
      await own.close();
    }
  });
});

describe('the change feed of the projecting process', () => {
  const fx = readModelSuite();

  it("hands its own projector's changes over with the summary row a read would give, only while a listener asked for it", async () => {
    const readModel = await fx.project();
    const plain: OrderChange[] = [];
    const wanting: OrderChange[] = [];
    const stopPlain = readModel.changeFeed.subscribe((change) => plain.push(change));
    const stopWanting = readModel.changeFeed.subscribe((change) => wanting.push(change), { summaries: true });
    try {
      const orderId = await randomOrderLife(fx.commands, seededRandom(41), 3);
      await fx.caughtUp();
      const ours = wanting.filter((change) => change.orderId === orderId);
      expect(ours.length).toBeGreaterThan(0);
      // Every notice of the order carries its row as of that notice's position.
      for (const change of ours) expect(change.summary?.position).toBe(formatPosition(change.position));
      // The newest one is exactly the row findOrderSummaries reads, so both give the same view.
      const now = new Date();
      const [read] = (await findOrderSummaries(fx.db.pool, [orderId], { now })).values();
      expect(orderSummaryView(ours.at(-1)!.summary!, now)).toEqual(read);
      // Listeners share the notice: the plain one sees the same changes.
      expect(plain.filter((change) => change.orderId === orderId)).toEqual(ours);

      // Nobody asks any more: the projector stops reading summaries back.
      stopWanting();
      const before = plain.length;
      const later = await randomOrderLife(fx.commands, seededRandom(42), 2);
      await fx.caughtUp();
      const unread = plain.slice(before).filter((change) => change.orderId === later);
      expect(unread.length).toBeGreaterThan(0);
      expect(unread.every((change) => change.summary === undefined)).toBe(true);
    } finally {
      stopPlain();
      stopWanting();
      await readModel.close();
    }
  });
});

describe('the change feed when its LISTEN connection fails', () => {
  const fx = readModelSuite();

  const listening = async () =>
    (
      await fx.db.pool.query<{ pid: number }>(
        'select pid from pg_stat_activity where application_name = $1 and datname = current_database()',
        [LISTENER_APPLICATION_NAME],
      )
    ).rows.map((row) => row.pid);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const outages = [
    { name: 'though fresh notices arrive before it catches up', pollIntervalMs: 60_000, waiter: false },
    // A waiter's poll runs while the connection is down: it must not close the gap.
    { name: 'though a read-your-writes waiter polled during the outage', pollIntervalMs: 150, waiter: true },
  ];
  for (const outage of outages) {
    it(`tells every order changed while its connection was down, ${outage.name}`, { timeout: 60_000 }, async () => {
      // Another process projects; this one only listens.
      const projecting = await fx.project();
      const feed = await startChangeFeed({ pool: fx.db.pool, pollIntervalMs: outage.pollIntervalMs });
      const heard = new Set<string>();
      feed.subscribe((change) => heard.add(change.orderId));
      const random = seededRandom(51);
      const written: string[] = [];
      let writing = true;
      const writers = Array.from({ length: 3 }, async () => {
        while (writing) written.push(await randomOrderLife(fx.commands, random, 1));
      });
      try {
        await sleep(500);
        // Both processes' LISTEN connections are cut; orders keep changing while they reconnect.
        for (const pid of await listening()) await fx.db.pool.query('select pg_terminate_backend($1)', [pid]);
        if (outage.waiter) {
          await sleep(50);
          await feed.waitForPosition({ commit: 1n << 60n, prepare: 0n }, { timeoutMs: 250 });
        }
        await sleep(2500);
      } finally {
        writing = false;
        await Promise.all(writers);
      }
      try {
        await fx.caughtUp();
        const { rows } = await fx.db.pool.query<{ c: string; p: string }>(
          "select position_commit::text as c, position_prepare::text as p from projection_checkpoints where name = 'orders'",
        );
        expect(
          await feed.waitForPosition(
            { commit: BigInt(rows[0]!.c), prepare: BigInt(rows[0]!.p) },
            { timeoutMs: 10_000 },
          ),
        ).toBe(true);
        expect(written.length).toBeGreaterThan(10);
        expect(written.filter((id) => !heard.has(id))).toEqual([]);
      } finally {
        await feed.close();
        await projecting.close();
      }
    });
  }

  it(
    'notices a connection gone silent, listens again, and closes without waiting on it',
    { timeout: 60_000 },
    async () => {
      const url = new URL(fx.db.url);
      const proxy = await startFreezingProxy({ host: url.hostname, port: Number(url.port) });
      // Over TCP through the proxy (the test URL may name a Unix socket as its host).
      const proxied = new URL(fx.db.url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      proxied.searchParams.delete('host');
      const throughProxy = new pg.Pool({ connectionString: proxied.toString() });
      throughProxy.on('error', () => undefined);
      const errors: string[] = [];
      // Its LISTEN connection is the proxy's first.
      const feed = await startChangeFeed({
        pool: throughProxy,
        pollIntervalMs: 60_000,
        onError: (error) => errors.push((error as Error).message),
      });
      const heard: string[] = [];
      feed.subscribe((change) => heard.push(change.orderId));
      try {
        const before = proxy.accepted;
        proxy.freeze(0);
        await expect
          .poll(() => errors.some((message) => /stopped answering/.test(message)), { timeout: 15_000 })
          .toBe(true);
        // A new LISTEN connection, through the proxy again: a notice sent now is heard.
        await expect.poll(() => proxy.accepted > before, { timeout: 10_000 }).toBe(true);
        const position = { commit: (feed.currentPosition()?.commit ?? 1n) + 1000n, prepare: 1n };
        const orderId = randomUUID();
        await expect
          .poll(
            async () => {
              await fx.db.pool.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, notice(position, 0, 1, [orderId])]);
              return heard.includes(orderId);
            },
            { timeout: 10_000, interval: 500 },
          )
          .toBe(true);
        // Its connection goes silent again: closing does not wait for a goodbye that never comes.
        expect(proxy.freezeMatching(LISTENER_APPLICATION_NAME)).toBe(2);
        const started = Date.now();
        await feed.close();
        expect(Date.now() - started).toBeLessThan(6000);
      } finally {
        await feed.close();
        await throughProxy.end().catch(() => undefined);
        await proxy.close();
      }
    },
  );

  it('leaves no LISTEN session behind when closed while it reconnects', async () => {
    // Every connection takes 400 ms to open, so a close made as the reconnect starts lands in the middle of it.
    const opening = { count: 0 };
    class SlowSocket extends Socket {
      override connect(...args: unknown[]): this {
        opening.count += 1;
        setTimeout(() => (Socket.prototype.connect as (...a: unknown[]) => unknown).apply(this, args), 400);
        return this;
      }
    }
    const slow = new pg.Pool({ connectionString: fx.db.url, stream: () => new SlowSocket() });
    slow.on('error', () => undefined);
    const feed = await startChangeFeed({ pool: slow, pollIntervalMs: 60_000, onError: () => undefined });
    try {
      expect(await listening()).toHaveLength(1);
      const before = opening.count;
      for (const pid of await listening()) await fx.db.pool.query('select pg_terminate_backend($1)', [pid]);
      // The reconnect begins a second after the loss; close while its connection is opening.
      await expect.poll(() => opening.count > before, { timeout: 5000, interval: 5 }).toBe(true);
      await feed.close();
      await sleep(600);
      await expect.poll(listening, { timeout: 3000 }).toEqual([]);
    } finally {
      await feed.close();
      await slow.end();
    }
  });
});

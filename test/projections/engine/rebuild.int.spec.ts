import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../../src/eventstore/eventStore.ts';
import { findOrder, listOrders, projectionStatus, startChangeFeed } from '../../../src/projections/index.ts';
import {
  inParallel,
  moneyFlaggedOrder,
  randomOrderLife,
  readModelSuite,
  seededRandom,
  type ReadModelFixture,
} from '../support.ts';

describe('rebuilding the read model', () => {
  const fx = readModelSuite({ projector: true });

  it(
    'switches to fresh tables while commands flow and readers read: no change lost, no reader error, never an empty table',
    { timeout: 180_000 },
    async () => {
      const random = seededRandom(99);
      const seeded: string[] = [];
      await inParallel(Array.from({ length: 300 }), 8, async () => {
        seeded.push(await randomOrderLife(fx.commands, random, 5));
      });
      await fx.caughtUp();

      let flowing = true;
      const written: string[] = [];
      const writers = Array.from({ length: 3 }, async () => {
        while (flowing) written.push(await randomOrderLife(fx.commands, random, 4));
      });
      const reads = { count: 0, errors: [] as unknown[], smallestPage: Number.POSITIVE_INFINITY, missing: 0 };
      const readers = Array.from({ length: 2 }, async () => {
        while (flowing) {
          try {
            const page = await listOrders(fx.db.pool, { first: 20 });
            reads.smallestPage = Math.min(reads.smallestPage, page.nodes.length);
            const order = await findOrder(fx.db.pool, seeded[Math.floor(random() * seeded.length)]!);
            if (!order || order.events.length === 0) reads.missing += 1;
            reads.count += 1;
          } catch (error) {
            reads.errors.push(error);
          }
        }
      });

      try {
        // Small pages: the rebuild spends a while catching up with what the writers add meanwhile.
        const report = await fx.rebuild({ pageSize: 500 });
        expect(report.events).toBeGreaterThan(1000);
        // The live projector continues on the new tables after the switch.
        const after = await randomOrderLife(fx.commands, random, 2);
        const { position } = await fx.commands.load(after);
        expect(await fx.readModel.changeFeed.waitForPosition(position!, { timeoutMs: 10_000 })).toBe(true);
        expect(await findOrder(fx.db.pool, after)).not.toBeNull();
      } finally {
        flowing = false;
        await Promise.all([...writers, ...readers]);
      }
      expect(reads.errors).toEqual([]);
      expect(reads.count).toBeGreaterThan(10);
      expect(reads.smallestPage).toBe(20);
      expect(reads.missing).toBe(0);

      await fx.caughtUp();
      const live = await fx.snapshot();
      const { rows } = await fx.db.pool.query<{ events: string; timeline: string; orders: string }>(
        `select (select count(*) from es_events where stream_id like 'order-%') as events, (select count(*) from fulfillment_events) as timeline,
              (select count(*) from production_orders) as orders`,
      );
      expect(rows[0]!.timeline).toBe(rows[0]!.events);
      expect(Number(rows[0]!.orders)).toBe(seeded.length + written.length + 1);
      await fx.rebuild();
      expect(await fx.snapshot()).toEqual(live);
      const [status] = await projectionStatus({ pool: fx.db.pool, eventStore: fx.store });
      expect(status).toMatchObject({ lagEvents: 0, rebuildRunning: false, deadLetters: { total: 0 } });
    },
  );

  it('announces the orders a rebuild brought past the live projector, and the projector goes on from there', async () => {
    await fx.readModel.close();
    const feed = await startChangeFeed({ pool: fx.db.pool });
    const heard = new Set<string>();
    feed.subscribe((change) => heard.add(change.orderId));
    try {
      // Written while no projector runs: only the rebuild applies these.
      const behind = [
        await randomOrderLife(fx.commands, seededRandom(1), 1),
        await randomOrderLife(fx.commands, seededRandom(2), 1),
      ];
      const report = await fx.rebuild();
      expect(await feed.waitForPosition(report.position!, { timeoutMs: 10_000 })).toBe(true);
      for (const id of behind) expect(heard).toContain(id);
      for (const id of behind) expect(await findOrder(fx.db.pool, id)).not.toBeNull();
    } finally {
      await feed.close();
      fx.readModel = await fx.project();
    }
    const after = await randomOrderLife(fx.commands, seededRandom(3), 1);
    const { position, version } = await fx.commands.load(after);
    expect(await fx.readModel.changeFeed.waitForPosition(position!, { timeoutMs: 10_000 })).toBe(true);
    expect((await findOrder(fx.db.pool, after))?.version).toBe(version);
  });
  it('a connection that prepared the order lookup before a switch reads the new tables after it', async () => {
    const client = await fx.db.pool.connect();
    try {
      const before = await randomOrderLife(fx.commands, seededRandom(4), 1);
      expect(
        await fx.readModel.changeFeed.waitForPosition((await fx.commands.load(before)).position!, {
          timeoutMs: 10_000,
        }),
      ).toBe(true);
      // Past five runs PostgreSQL keeps a generic plan for the named statement: the one a switch must not leave stale.
      for (let run = 0; run < 7; run += 1) expect(await findOrder(client, before)).not.toBeNull();
      const prepared = await client.query<{ name: string }>('select name from pg_prepared_statements');
      expect(prepared.rows.map((row) => row.name)).toContain('orders.find_by_id');
      await fx.rebuild();
      const after = await randomOrderLife(fx.commands, seededRandom(5), 1);
      const { position, version } = await fx.commands.load(after);
      expect(await fx.readModel.changeFeed.waitForPosition(position!, { timeoutMs: 10_000 })).toBe(true);
      expect((await findOrder(client, after))?.version).toBe(version);
      expect((await findOrder(client, before))?.id).toBe(before);
    } finally {
      client.release();
    }
  });

  it(
    'rebuilds the same rows, indexes and constraints through the bulk reader, through the port alone, and with fewer orders in memory than exist',
    { timeout: 120_000 },
    async () => {
      const random = seededRandom(7);
      await inParallel(
        Array.from({ length: 150 }),
        8,
        async () => void (await randomOrderLife(fx.commands, random, 5)),
      );
      await moneyFlaggedOrder(fx.commands, false);
      await moneyFlaggedOrder(fx.commands, true);
      await fx.caughtUp();
      const live = await fx.snapshot();
      // Every money flag is set somewhere, so the comparison covers their columns with values in them.
      const { rows: flagged } = await fx.db.pool.query<Record<string, number>>(
        `select count(*) filter (where refund_excess)::int as excess, count(*) filter (where refund_failed and refund_failure_reason is not null)::int as failed,
         count(*) filter (where disputed and dispute_evidence_due_by is not null)::int as disputed, count(*) filter (where not disputed and dispute_status is not null)::int as closed
       from production_orders`,
      );
      for (const [flag, count] of Object.entries(flagged[0]!)) expect(count, flag).toBeGreaterThan(0);
      // A storage parameter of a TOAST table, set by an operator, must survive the rebuild too.
      await fx.db.pool.query('alter table production_orders set (toast.autovacuum_vacuum_scale_factor = 0.05)');
      const indexes = await tableDefinitions(fx.db.pool);
      // A store without the bulk reader (as EventStoreDB's) is read through readAll pages.
      const portOnly: EventStore = { ...fx.store };
      for (const options of [
        { eventStore: fx.store },
        { eventStore: portOnly, pageSize: 64 },
        { eventStore: fx.store, maxOrdersInMemory: 40 },
        { eventStore: portOnly, pageSize: 64, maxOrdersInMemory: 40 },
      ]) {
        const report = await fx.rebuild(options);
        expect(report.orders).toBe(live.production_orders!.length);
        expect(await fx.snapshot()).toEqual(live);
        expect(await tableDefinitions(fx.db.pool)).toEqual(indexes);
      }
      const { rows } = await fx.db.pool.query<{ options: string[] | null }>(
        "select c.reloptions as options from pg_class c where c.oid in ('public.production_orders'::regclass, 'public.fulfillment_events'::regclass, 'public.production_line_items'::regclass)",
      );
      // Autovacuum, off while the tables were built, is back on for the live tables, and the
      // orders keep the room for HOT updates migration 006 gave them.
      expect(rows.map((row) => row.options ?? [])).toEqual([['fillfactor=70'], [], []]);
      const { rows: toast } = await fx.db.pool.query<{ options: string[] | null }>(
        "select t.reloptions as options from pg_class c join pg_class t on t.oid = c.reltoastrelid where c.oid = 'public.production_orders'::regclass",
      );
      expect(toast[0]?.options).toEqual(['autovacuum_vacuum_scale_factor=0.05']);
    },
  );
});

/** Every index and constraint of the projected tables as PostgreSQL prints them. */
async function tableDefinitions(pool: ReadModelFixture['db']['pool']): Promise<string[]> {
  const { rows } = await pool.query<{ definition: string }>(
    `select c.relname || ': ' || pg_get_indexdef(i.indexrelid) as definition from pg_index i join pg_class c on c.oid = i.indrelid
     where c.relname in ('production_orders', 'production_line_items', 'fulfillment_events') and c.relnamespace = 'public'::regnamespace
     union all
     select c.relname || ': ' || k.conname || ' ' || pg_get_constraintdef(k.oid) from pg_constraint k join pg_class c on c.oid = k.conrelid
     where c.relname in ('production_orders', 'production_line_items', 'fulfillment_events') and c.relnamespace = 'public'::regnamespace
     order by 1`,
  );
  return rows.map((row) => row.definition);
}

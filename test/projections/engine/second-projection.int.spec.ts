import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  defineTable,
  int8,
  projectionStatus,
  rebuildProjections,
  sqlLiteral,
  startReadModel,
  text,
  type Projection,
  type RebuildProjection,
  type ReadModel,
} from '../../../src/projections/engine/index.ts';
import { qualified } from '../../../src/projections/engine/table.ts';
import { ordersProjection } from '../../../src/projections/orders/projection.ts';
import { inParallel, randomOrderLife, readModelSuite, seededRandom } from '../support.ts';

/*
 * A second projection beside the orders one, written against the engine's interface alone: how
 * many events of each type the order streams hold. What the engine promises it (rows live and
 * rebuilt alike, checkpointed in the batch's transaction, caught up when added later) is what a
 * metrics projection will rely on.
 */

const COUNTS_TABLE = defineTable(
  'test_event_counts',
  { event_type: text(), events: int8() },
  { key: ['event_type'], statistics: 'all', load: 'final' },
);

const tally = (events: readonly { readonly type: string }[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return counts;
};

/** Adds the counts onto the table's rows (one statement). */
const increment = (schema: string, counts: ReadonlyMap<string, number>): string =>
  `insert into ${qualified(schema, COUNTS_TABLE.name)} as t (event_type, events)
   select key, value::bigint from json_each_text(${sqlLiteral(JSON.stringify(Object.fromEntries(counts)))}::json)
   on conflict (event_type) do update set events = t.events + excluded.events`;

const eventCounts: Projection = {
  name: 'test_event_counts',
  tables: [COUNTS_TABLE],
  streamPrefixes: ['order-'],
  canHandle: () => true,
  live: () => ({
    fold(_client, schema, events, rejected) {
      const counts = tally(events.filter((event) => !rejected.has(event)));
      return Promise.resolve({
        statements: counts.size > 0 ? [increment(schema, counts)] : [],
        deadLetters: [],
        changedIds: [],
        committed: () => undefined,
      });
    },
    forget: () => undefined,
  }),
  rebuild(): RebuildProjection {
    let counts = new Map<string, number>();
    return {
      bulk(page) {
        for (const [type, n] of tally(page)) counts.set(type, (counts.get(type) ?? 0) + n);
      },
      *finalLines(table) {
        if (table === COUNTS_TABLE.name)
          for (const [type, n] of counts) yield COUNTS_TABLE.copyLine({ event_type: type, events: String(n) });
      },
      get held() {
        return counts.size;
      },
      forget() {
        counts = new Map();
      },
      async apply(db, schema, page) {
        await db.query(increment(schema, tally(page)));
      },
    };
  },
};

const PROJECTIONS = [ordersProjection, eventCounts] as const;

/** The counts table, by type, as the store's order events say it should be (up to `position`, all when omitted). */
async function expectedCounts(
  db: Pick<pg.ClientBase, 'query'>,
  position?: { commit: string; prepare: string },
): Promise<Record<string, string>> {
  const { rows } = await db.query<{ type: string; n: string }>(
    `select event_type as type, count(*)::text as n from es_events where stream_id like 'order-%'
       and ($1::bigint is null or (transaction_id::text::bigint, global_position) <= ($1::bigint, $2::bigint)) group by event_type`,
    [position?.commit ?? null, position?.prepare ?? null],
  );
  return Object.fromEntries(rows.map((row) => [row.type, row.n]));
}

async function storedCounts(db: Pick<pg.ClientBase, 'query'>): Promise<Record<string, string>> {
  const { rows } = await db.query<{ event_type: string; events: string }>(
    'select event_type, events from test_event_counts',
  );
  return Object.fromEntries(rows.map((row) => [row.event_type, row.events]));
}

/** Waits until the counts' own checkpoint has reached the newest order event (as `waitUntilCaughtUp` does for the orders'). */
async function countsCaughtUp(pool: pg.Pool): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await pool.query<{ behind: boolean }>(
      `select coalesce((select (c.position_commit, c.position_prepare) < (e.transaction_id::text::bigint, e.global_position)
         from projection_checkpoints c where c.name = 'test_event_counts'), true) as behind
       from (select transaction_id, global_position from es_events where stream_id like 'order-%' order by transaction_id desc, global_position desc limit 1) e`,
    );
    if (rows[0]?.behind === false) return;
    if (Date.now() > deadline) throw new Error('the counts projection did not catch up within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a second projection beside the orders one', () => {
  const fx = readModelSuite();
  beforeAll(async () => {
    await fx.db.pool.query('create table test_event_counts (event_type text primary key, events bigint not null)');
  });

  it(
    'catches up from its own checkpoint when added to a read model that already projected, then follows live',
    { timeout: 180_000 },
    async () => {
      const random = seededRandom(18);
      const ordersOnly = await startReadModel({
        pool: fx.db.pool,
        eventStore: fx.store,
        projections: [ordersProjection],
        projector: true,
      });
      try {
        await inParallel(Array.from({ length: 30 }), 6, () =>
          randomOrderLife(fx.commands, random, 4).then(() => undefined),
        );
        await fx.caughtUp();
      } finally {
        await ordersOnly.close();
      }
      expect(await storedCounts(fx.db.pool)).toEqual({});

      const both: ReadModel = await startReadModel({
        pool: fx.db.pool,
        eventStore: fx.store,
        projections: PROJECTIONS,
        projector: true,
      });
      try {
        await countsCaughtUp(fx.db.pool);
        expect(await storedCounts(fx.db.pool)).toEqual(await expectedCounts(fx.db.pool));
        await inParallel(Array.from({ length: 30 }), 6, () =>
          randomOrderLife(fx.commands, random, 4).then(() => undefined),
        );
        await fx.caughtUp();
        await countsCaughtUp(fx.db.pool);
        expect(await storedCounts(fx.db.pool)).toEqual(await expectedCounts(fx.db.pool));
      } finally {
        await both.close();
      }
    },
  );

  it(
    "commits its rows with its checkpoint and the orders' in one transaction: any snapshot shows all three agree",
    { timeout: 180_000 },
    async () => {
      const random = seededRandom(1818);
      const readModel = await startReadModel({
        pool: fx.db.pool,
        eventStore: fx.store,
        projections: PROJECTIONS,
        projector: true,
      });
      let flowing = true;
      const writers = Array.from({ length: 4 }, async () => {
        while (flowing) await randomOrderLife(fx.commands, random, 3);
      });
      const reader = await fx.db.pool.connect();
      try {
        for (let look = 0; look < 25; look += 1) {
          // One snapshot: the checkpoints and both projections' rows as of the same commit.
          await reader.query('begin isolation level repeatable read');
          const { rows } = await reader.query<{ name: string; commit: string; prepare: string }>(
            "select name, position_commit::text as commit, position_prepare::text as prepare from projection_checkpoints where name in ('orders', 'test_event_counts') order by name",
          );
          const [orders, counts] = rows;
          const stored = await storedCounts(reader);
          const expected = await expectedCounts(reader, counts);
          const { rows: timeline } = await reader.query<{ n: string }>(
            'select count(*)::text as n from fulfillment_events',
          );
          await reader.query('commit');
          expect(counts).toEqual({ ...orders, name: 'test_event_counts' });
          expect(stored).toEqual(expected);
          // The orders' rows at the same position: one timeline entry per event up to it.
          expect(timeline[0]!.n).toBe(String(Object.values(expected).reduce((sum, n) => sum + Number(n), 0)));
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      } finally {
        reader.release();
        flowing = false;
        await Promise.all(writers);
        await readModel.close();
      }
    },
  );

  it(
    'is rebuilt with the orders into exactly the rows the live projector wrote, and reported beside them',
    { timeout: 180_000 },
    async () => {
      const readModel = await startReadModel({
        pool: fx.db.pool,
        eventStore: fx.store,
        projections: PROJECTIONS,
        projector: true,
      });
      let live: { counts: Record<string, string>; orders: Record<string, string[]> };
      try {
        await fx.caughtUp();
        await countsCaughtUp(fx.db.pool);
        live = { counts: await storedCounts(fx.db.pool), orders: await fx.snapshot() };
      } finally {
        await readModel.close();
      }
      const report = await rebuildProjections({
        pool: fx.db.pool,
        eventStore: fx.store,
        projections: PROJECTIONS,
        pageSize: 500,
      });
      expect(await storedCounts(fx.db.pool)).toEqual(live.counts);
      expect(await fx.snapshot()).toEqual(live.orders);
      expect(Object.values(live.counts).reduce((sum, n) => sum + Number(n), 0)).toBe(report.events);

      const statuses = await projectionStatus({ pool: fx.db.pool, eventStore: fx.store, projections: PROJECTIONS });
      expect(statuses.map((status) => [status.name, status.tables, status.position])).toEqual([
        ['orders', ['production_orders', 'production_line_items', 'fulfillment_events'], report.position],
        ['test_event_counts', ['test_event_counts'], report.position],
      ]);
    },
  );

  it('is rebuilt row by row past the memory bound too', { timeout: 180_000 }, async () => {
    const before = await storedCounts(fx.db.pool);
    await rebuildProjections({
      pool: fx.db.pool,
      eventStore: fx.store,
      projections: PROJECTIONS,
      pageSize: 200,
      maxOrdersInMemory: 5,
    });
    expect(await storedCounts(fx.db.pool)).toEqual(before);
  });
});

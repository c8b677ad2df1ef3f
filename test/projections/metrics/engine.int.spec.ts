import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  METRICS_PROJECTION,
  projectionStatus,
  READ_MODEL_PROJECTIONS,
  type ReadModel,
} from '../../../src/projections/index.ts';
import { shopMetrics } from '../../../src/projections/metrics/queries.ts';
import { METRIC_TABLES } from '../../../src/projections/metrics/tables.ts';
import { randomOrderLife, readModelSuite, seededRandom, type ReadModelFixture } from '../support.ts';
import { IDS, ORDERS, priority } from './history.ts';

/*
 * The metrics projection run by the engine, beside the orders one: the real projector (live
 * batches, checkpoints, restarts) and the real rebuild, compared row for row.
 */

const HOUR_MS = 3_600_000;

/** Every row of every metric table, in key order, as JSON text. */
async function snapshotMetrics(db: Pick<pg.Pool, 'query'>): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of Object.values(METRIC_TABLES)) {
    const { rows } = await db.query<{ row: string }>(
      `select row_to_json(t)::text as row from ${table.name} t order by ${table.key.join(', ')}`,
    );
    snapshot[table.name] = rows.map((r) => r.row);
  }
  return snapshot;
}

async function checkpoints(db: Pick<pg.Pool, 'query'>): Promise<Record<string, string>> {
  const { rows } = await db.query<{ name: string; at: string }>(
    "select name, position_commit || '/' || position_prepare as at from projection_checkpoints where name in ('orders', 'metrics')",
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.at]));
}

/** Every order entered spec review exactly once, in the figures as in the orders' table, and has its figures state. */
async function expectEveryOrderCountedOnce(db: Pick<pg.Pool, 'query'>): Promise<void> {
  const { rows } = await db.query<{ entered: string; orders: string; states: string }>(
    `select (select sum(entered) from metric_stage_days where stage = 'spec-review' and technique = 'all')::text as entered,
            (select count(*) from production_orders)::text as orders,
            (select count(*) from metric_order_states)::text as states`,
  );
  expect(rows[0]!.entered).toBe(rows[0]!.orders);
  expect(rows[0]!.states).toBe(rows[0]!.orders);
}

/** Appends the seeded week's events to their order streams, in the order `$all` would hold them. */
async function appendSeededWeek(fx: ReadModelFixture): Promise<void> {
  const events = Object.values(ORDERS)
    .flatMap((life) => life.map((event, index) => ({ index, event })))
    .sort((a, b) => a.event.at.localeCompare(b.event.at));
  for (const { index, event } of events) {
    const { type, ...data } = event;
    await fx.store.appendToStream(`order-${event.orderId}`, [{ id: randomUUID(), type, data }], {
      expectedVersion: index === 0 ? 'no_stream' : index,
    });
  }
}

describe('the metrics projection in the engine', () => {
  const fx = readModelSuite();

  it(
    'projects the seeded week live into the hand-computed figures, and a rebuild gives the same rows, row for row',
    { timeout: 120_000 },
    async () => {
      await appendSeededWeek(fx);
      // Batches of three events: the figures are built batch by batch, checkpointed with the orders'.
      const readModel = await fx.project({ batchSize: 3 });
      try {
        await fx.caughtUp();
      } finally {
        await readModel.close();
      }
      const marks = await checkpoints(fx.db.pool);
      expect(marks.metrics).toBe(marks.orders);

      const week = { from: '2025-03-03', to: '2025-03-10' };
      const metrics = await shopMetrics(fx.db.pool, week);
      expect(metrics.leadTimes.byPriority).toEqual([
        { group: 'all', completed: 4, p50Minutes: 3060, p90Minutes: 10_200 },
        { group: 'rush', completed: 2, p50Minutes: 2160, p90Minutes: 3060 },
        { group: 'standard', completed: 2, p50Minutes: 7920, p90Minutes: 10_200 },
      ]);
      expect(metrics.onTime).toEqual([
        { weekStart: '2025-03-03', completed: 3, onTime: 3, rate: 1 },
        { weekStart: '2025-03-10', completed: 1, onTime: 0, rate: 0 },
      ]);
      expect(metrics.holds).toMatchObject({ started: 3, ended: 3, heldMs: 42 * HOUR_MS });
      expect(metrics.stages.filter((row) => row.stage === 'printing').map((row) => row.inProgress)).toEqual([
        1, 2, 2, 1, 0, 0, 0, 0,
      ]);

      const live = await snapshotMetrics(fx.db.pool);
      const orders = await fx.snapshot();
      // Every order has its state; the day sums hold the week's stage movements (the figures above).
      expect(live.metric_order_states).toHaveLength(Object.keys(ORDERS).length);
      expect(live.metric_stage_days!.length).toBeGreaterThan(0);
      await fx.rebuild();
      expect(await snapshotMetrics(fx.db.pool)).toEqual(live);
      expect(await fx.snapshot()).toEqual(orders);
      // Past the memory bound: the rest of the history goes through the tables row by row.
      await fx.rebuild({ pageSize: 4, maxOrdersInMemory: 2 });
      expect(await snapshotMetrics(fx.db.pool)).toEqual(live);
    },
  );

  it(
    'loses and doubles nothing through restarts and batches abandoned before their commit, while commands flow',
    { timeout: 180_000 },
    async () => {
      const random = seededRandom(1818);
      let flowing = true;
      let lives = 0;
      const writers = Array.from({ length: 3 }, async () => {
        while (flowing) {
          await randomOrderLife(fx.commands, random, 6);
          lives += 1;
        }
      });
      let batches = 0;
      let abandoned = 0;
      const errors: unknown[] = [];
      const start = (): Promise<ReadModel> =>
        fx.project({
          batchSize: 7,
          onError: (error) => errors.push(error),
          hooks: {
            beforeCommit() {
              batches += 1;
              // Every ninth batch dies just before its commit: the projector starts again from its checkpoint.
              if (batches % 9 === 0) {
                abandoned += 1;
                return Promise.reject(new Error('projector died before the commit'));
              }
              return Promise.resolve();
            },
          },
        });
      try {
        for (let restart = 0; restart < 4; restart += 1) {
          const readModel = await start();
          // At least 700 ms and ten batches each life (a loaded machine makes fewer per second), at most 15 s.
          const until = batches + 10;
          const deadline = Date.now() + 15_000;
          await new Promise((resolve) => setTimeout(resolve, 700));
          while (batches < until && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
          await readModel.close();
        }
      } finally {
        flowing = false;
        await Promise.all(writers);
      }
      const survivor = await fx.project();
      try {
        await fx.caughtUp(60_000);
      } finally {
        await survivor.close();
      }
      expect(abandoned).toBeGreaterThan(0);
      expect(errors.every((error) => (error as Error).message === 'projector died before the commit')).toBe(true);
      const marks = await checkpoints(fx.db.pool);
      expect(marks.metrics).toBe(marks.orders);

      expect(lives).toBeGreaterThan(20);
      await expectEveryOrderCountedOnce(fx.db.pool);

      const live = await snapshotMetrics(fx.db.pool);
      await fx.rebuild();
      expect(await snapshotMetrics(fx.db.pool)).toEqual(live);
    },
  );

  it(
    'goes on writing the live tables after a rebuild switched them under the running projector',
    { timeout: 180_000 },
    async () => {
      // The projector's writes are statements prepared on its connection: after the switch they
      // must reach the new tables, not the ones the rebuild set aside.
      const random = seededRandom(1717);
      const errors: unknown[] = [];
      const readModel = await fx.project({ onError: (error) => errors.push(error) });
      try {
        for (let i = 0; i < 6; i += 1) await randomOrderLife(fx.commands, random, 6);
        await fx.caughtUp(60_000);
        await fx.rebuild();
        for (let i = 0; i < 6; i += 1) await randomOrderLife(fx.commands, random, 6);
        await fx.caughtUp(60_000);
      } finally {
        await readModel.close();
      }
      expect(errors).toEqual([]);
      await expectEveryOrderCountedOnce(fx.db.pool);
      const live = await snapshotMetrics(fx.db.pool);
      await fx.rebuild();
      expect(await snapshotMetrics(fx.db.pool)).toEqual(live);
    },
  );

  it('dead-letters an event it cannot read under its own name, reported by the status, and goes on', async () => {
    const readModel = await fx.project();
    try {
      const bad = priority(IDS.A, '2025-03-05T09:00:00.000Z', 'rush', 'urgent' as never);
      const { type, ...data } = bad;
      await fx.store.appendToStream(`order-${IDS.A}`, [{ id: randomUUID(), type, data }]);
      await fx.caughtUp();
    } finally {
      await readModel.close();
    }
    const statuses = await projectionStatus({
      pool: fx.db.pool,
      eventStore: fx.store,
      projections: READ_MODEL_PROJECTIONS,
    });
    const metrics = statuses.find((status) => status.name === METRICS_PROJECTION)!;
    expect(metrics.tables).toEqual(Object.values(METRIC_TABLES).map((table) => table.name));
    expect(metrics.deadLetters.total).toBe(1);
    expect(metrics.deadLetters.items[0]).toMatchObject({ streamId: `order-${IDS.A}`, eventType: 'PriorityChanged' });
    expect(metrics.position).toEqual(statuses.find((status) => status.name === 'orders')!.position);
  });
});

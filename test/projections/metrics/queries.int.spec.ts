import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/db/migrate.ts';
import {
  foldMetricsBatch,
  metricsBatchStatements,
  readStatesSql,
  rebuildMetricRows,
  statesFromRows,
} from '../../../src/projections/metrics/batch.ts';
import { orderMetrics, type MetricRows } from '../../../src/projections/metrics/fold.ts';
import { shopMetrics, type ShopMetrics } from '../../../src/projections/metrics/queries.ts';
import { METRIC_TABLES } from '../../../src/projections/metrics/tables.ts';
import type { Columns } from '../../../src/projections/engine/table.ts';
import { isAppError } from '../../../src/domain/errors.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { allEvents, ORDERS } from './history.ts';

const HOUR_MS = 3_600_000;
let db: TestDatabase;

/** Loads a rebuild of the seeded history, folded in `timeZone`, into a copy of the tables in `schema`. */
async function loadRebuild(schema: string, timeZone: string): Promise<void> {
  await db.pool.query(`create schema ${schema}`);
  for (const table of Object.values(METRIC_TABLES))
    await db.pool.query(`create table ${schema}.${table.name} (like public.${table.name} including all)`);
  const facts: MetricRows = { stageEntries: [], completions: [], holds: [] };
  for (const events of Object.values(ORDERS)) {
    const rows = orderMetrics(events, timeZone);
    facts.stageEntries.push(...rows.stageEntries);
    facts.completions.push(...rows.completions);
    facts.holds.push(...rows.holds);
  }
  const { facts: final, daily } = rebuildMetricRows(facts);
  for (const statement of metricsBatchStatements({ states: new Map(), facts: final, deltas: daily }, schema))
    await db.pool.query(statement);
}

/** The figures read with `schema` first on the search path. */
async function metricsIn(schema: string, filter: Parameters<typeof shopMetrics>[1]): Promise<ShopMetrics> {
  const client = await db.pool.connect();
  try {
    await client.query(`set search_path to ${schema}`);
    return await shopMetrics(client, filter);
  } finally {
    await client.query('reset search_path');
    client.release();
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.pool);
  // The live projection: the history in batches of three, each read, folded and written as the engine would.
  const events = allEvents();
  for (let start = 0; start < events.length; start += 3) {
    const batch = events.slice(start, start + 3);
    const ids = [...new Set(batch.map(({ event }) => event.orderId))];
    const { rows } = await db.pool.query(readStatesSql(), [ids]);
    const folded = foldMetricsBatch(statesFromRows(rows), batch, 'UTC');
    for (const statement of metricsBatchStatements(folded)) await db.pool.query(statement);
  }
  await loadRebuild('rebuilt', 'UTC');
  await loadRebuild('new_york', 'America/New_York');
});

afterAll(async () => {
  await db?.close();
});

describe('the metric tables', () => {
  it('are made by the migrations (011 to 015) with exactly the columns, types and keys the projection writes', async () => {
    for (const table of Object.values(METRIC_TABLES)) {
      const { rows } = await db.pool.query<{ column_name: string; udt_name: string; is_nullable: string }>(
        "select column_name, udt_name, is_nullable from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position",
        [table.name],
      );
      expect(
        // An array's udt_name is its element's with a leading underscore (_int4 for int4[]).
        rows.map((row) => [
          row.column_name,
          row.udt_name.startsWith('_') ? `${row.udt_name.slice(1)}[]` : row.udt_name,
          row.is_nullable === 'YES',
        ]),
        table.name,
      ).toEqual(Object.entries(table.columns as Columns).map(([name, column]) => [name, column.kind, column.nullable]));
      const key = await db.pool.query<{ column_name: string }>(
        `select a.attname as column_name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
         where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey, a.attnum)`,
        [table.name],
      );
      expect(
        key.rows.map((row) => row.column_name),
        table.name,
      ).toEqual(table.key);
    }
  });

  it('a rebuild gives the rows the live batches wrote, row for row', async () => {
    for (const table of Object.values(METRIC_TABLES)) {
      if (table.name === 'metric_order_states') continue; // the live side's memory, not a figure
      const order = table.key.join(', ');
      const live = await db.pool.query(`select * from public.${table.name} order by ${order}`);
      const rebuilt = await db.pool.query(`select * from rebuilt.${table.name} order by ${order}`);
      expect(live.rows.length, table.name).toBeGreaterThan(0);
      expect(live.rows, table.name).toEqual(rebuilt.rows);
    }
  });
});

describe('shopMetrics over the seeded week', () => {
  const week = { from: '2025-03-03', to: '2025-03-10' };

  it('throughput: orders entering each stage per day, with their garments', async () => {
    const metrics = await metricsIn('public', week);
    const entered = (stage: string) =>
      metrics.stages
        .filter((row) => row.stage === stage)
        .map((row) => [row.day.slice(5), row.entered])
        .filter(([, n]) => n !== 0);
    // Paid: A, B, C on Monday; D on Tuesday; E on Thursday (02:30 UTC).
    expect(entered('queued')).toEqual([
      ['03-03', 3],
      ['03-04', 1],
      ['03-06', 1],
    ]);
    expect(entered('printing')).toEqual([
      ['03-03', 1],
      ['03-04', 2],
      ['03-05', 1],
    ]);
    expect(entered('finishing')).toEqual([
      ['03-04', 1],
      ['03-05', 1],
      ['03-06', 1],
      ['03-07', 1],
    ]);
    expect(entered('ready')).toEqual([
      ['03-04', 1],
      ['03-06', 1],
      ['03-08', 1],
      ['03-10', 1],
    ]);
    // Monday's queue: A 3 + B 12 + C 4 garments.
    expect(metrics.stages.find((row) => row.day === '2025-03-03' && row.stage === 'queued')?.enteredGarments).toBe(19);
    expect(metrics.stages).toHaveLength(8 * 5);
  });

  it('work in progress per stage at the end of each day', async () => {
    const metrics = await metricsIn('public', week);
    const wip = (stage: string) => metrics.stages.filter((row) => row.stage === stage).map((row) => row.inProgress);
    // Queued: B, C on Monday; C (on hold) on Tuesday; none after.
    expect(wip('queued')).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
    // Printing: A; B, D; B, C; C; then none.
    expect(wip('printing')).toEqual([1, 2, 2, 1, 0, 0, 0, 0]);
    // Finishing: A in and out Tuesday; D Wed; B Thu; B, C Fri; B until Monday the 10th.
    expect(wip('finishing')).toEqual([0, 0, 1, 1, 2, 1, 1, 0]);
    expect(wip('ready')).toEqual(Array(8).fill(null));
    // Starting mid-week carries what was in progress before: Wednesday onwards.
    const later = await metricsIn('public', { from: '2025-03-05', to: '2025-03-06' });
    expect(
      later.stages.filter((row) => row.stage === 'printing').map((row) => [row.inProgress, row.inProgressGarments]),
    ).toEqual([
      [2, 16],
      [1, 4],
    ]);
  });

  it('lead time p50 / p90 by priority and by technique (nearest rank, in minutes)', async () => {
    const { leadTimes } = await metricsIn('public', week);
    // Lead times: A 36 h (2160), D 51 h (3060), C 5 d 12 h (7920), B 7 d 2 h (10200).
    expect(leadTimes.byPriority).toEqual([
      { group: 'all', completed: 4, p50Minutes: 3060, p90Minutes: 10_200 },
      { group: 'rush', completed: 2, p50Minutes: 2160, p90Minutes: 3060 },
      { group: 'standard', completed: 2, p50Minutes: 7920, p90Minutes: 10_200 },
    ]);
    // dtg: A, B; screen: B, D; embroidery: C.
    expect(leadTimes.byTechnique).toEqual([
      { group: 'dtg', completed: 2, p50Minutes: 2160, p90Minutes: 10_200 },
      { group: 'embroidery', completed: 1, p50Minutes: 7920, p90Minutes: 7920 },
      { group: 'screen', completed: 2, p50Minutes: 3060, p90Minutes: 10_200 },
    ]);
    const rush = await metricsIn('public', { ...week, priority: 'rush' });
    expect(rush.leadTimes.byTechnique).toEqual([
      { group: 'dtg', completed: 1, p50Minutes: 2160, p90Minutes: 2160 },
      { group: 'screen', completed: 1, p50Minutes: 3060, p90Minutes: 3060 },
    ]);
  });

  it('on-time rate per week: C counts on time because its hold moved the promise', async () => {
    const { onTime } = await metricsIn('public', week);
    // Week of the 3rd: A, C, D on time; week of the 10th: B late.
    expect(onTime).toEqual([
      { weekStart: '2025-03-03', completed: 3, onTime: 3, rate: 1 },
      { weekStart: '2025-03-10', completed: 1, onTime: 0, rate: 0 },
    ]);
    const embroidery = await metricsIn('public', { ...week, technique: 'embroidery' });
    expect(embroidery.onTime).toEqual([{ weekStart: '2025-03-03', completed: 1, onTime: 1, rate: 1 }]);
  });

  it('time on hold and the reasons most often given', async () => {
    const { holds } = await metricsIn('public', week);
    // C 24 h, D 6 h (from its payment), E 12 h (ended by the cancelation).
    expect(holds).toEqual({
      started: 3,
      ended: 3,
      heldMs: 42 * HOUR_MS,
      topReasons: [
        { reason: 'Artwork unclear', holds: 1, heldMs: 24 * HOUR_MS },
        { reason: 'Awaiting proof', holds: 1, heldMs: 6 * HOUR_MS },
        { reason: 'Customer asked to wait', holds: 1, heldMs: 12 * HOUR_MS },
      ],
    });
    const screen = await metricsIn('public', { ...week, technique: 'screen' });
    expect(screen.holds).toMatchObject({ started: 1, heldMs: 6 * HOUR_MS });
  });

  it('counts days in the shop time zone: in New York, E was paid on Wednesday the 5th', async () => {
    const metrics = await metricsIn('new_york', week);
    const queued = metrics.stages
      .filter((row) => row.stage === 'queued' && row.entered > 0)
      .map((row) => [row.day.slice(5), row.entered]);
    // A, B, C paid Monday 03:00-05:00 local; D Tuesday 04:00; E Wednesday 21:30.
    expect(queued).toEqual([
      ['03-03', 3],
      ['03-04', 1],
      ['03-05', 1],
    ]);
    // A was ready Tuesday 21:00 UTC = 16:00 local; B Monday 10th 12:00 UTC = 08:00 local (EDT).
    expect(metrics.onTime.map((week) => [week.weekStart, week.completed])).toEqual([
      ['2025-03-03', 3],
      ['2025-03-10', 1],
    ]);
  });

  it('refuses a bad filter with every problem, reading nothing', async () => {
    const error = await metricsIn('public', {
      from: '2025-02-30',
      to: '2024-01-01',
      priority: 'urgent' as never,
      technique: 'vinyl' as never,
    }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('BAD_USER_INPUT');
    expect((error as Error).message).toBe(
      'Invalid metrics filter: from: must be a date (YYYY-MM-DD); priority: must be one of rush, standard, hold; technique: must be one of dtg, screen, embroidery',
    );
    const backwards = await metricsIn('public', { from: '2025-03-10', to: '2025-03-03' }).catch((e: unknown) => e);
    expect((backwards as Error).message).toBe('Invalid metrics filter: to: must not be before from');
    const tooLong = await metricsIn('public', { from: '2024-01-01', to: '2025-03-03' }).catch((e: unknown) => e);
    expect((tooLong as Error).message).toBe('Invalid metrics filter: to: must be at most 366 days after from');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/db/migrate.ts';
import type { OrderEvent, Priority, Technique } from '../../../src/domain/order/events.ts';
import { metricsBatchStatements, rebuildMetricRows } from '../../../src/projections/metrics/batch.ts';
import { orderMetrics, type MetricRows } from '../../../src/projections/metrics/fold.ts';
import { SHOP_METRICS_SQL, shopMetrics } from '../../../src/projections/metrics/queries.ts';
import { seededRandom } from '../support.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { approved, canceled, created, fulfilled, message, paid, priority, started } from './history.ts';

/**
 * The bar, measured on demand (timings on a shared machine are no test):
 * `METRICS_PERF=1 npx vitest run test/projections/metrics/shop-metrics.perf.spec.ts`.
 * About 1,000,000 order events over 30 days, with figures spread as wide as a shop could make
 * them (random stage times to the second, 40 hold reasons, mixed techniques), folded as a
 * rebuild would; then `shopMetrics` over the 30 days, with and without filters.
 */
const EVENTS = Number(process.env.METRICS_PERF_EVENTS ?? 1_000_000);
const DAYS = 30;
const T0 = Date.UTC(2025, 2, 1);
const HOUR = 3_600_000;

function history(random: () => number): OrderEvent[][] {
  const orders: OrderEvent[][] = [];
  let events = 0;
  const techniques: Technique[] = ['dtg', 'screen', 'embroidery'];
  for (let n = 0; events < EVENTS; n += 1) {
    const id = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    let t = T0 + random() * (DAYS - 8) * 24 * HOUR;
    const iso = () => new Date(Math.round(t)).toISOString();
    const later = (hours: number) => {
      t += random() * hours * HOUR;
      return iso();
    };
    const rush = random() < 0.25;
    const first = techniques[Math.floor(random() * 3)]!;
    const items: [Technique, number][] = [[first, 1 + Math.floor(random() * 50)]];
    if (random() < 0.3) items.push([techniques[(techniques.indexOf(first) + 1) % 3]!, 1 + Math.floor(random() * 20)]);
    const tier: Priority = rush ? 'rush' : 'standard';
    const life: OrderEvent[] = [created(id, iso(), tier, items), paid(id, later(2))];
    if (random() < 0.1) {
      life.push(
        priority(id, later(10), tier, 'hold', `Reason ${Math.floor(random() * 40)}`),
        priority(id, later(30), 'hold', tier),
      );
    }
    life.push(approved(id, later(rush ? 8 : 30)), started(id, later(rush ? 12 : 40)));
    if (random() < 0.03) life.push(canceled(id, later(5)));
    else life.push(fulfilled(id, later(rush ? 20 : 60)), message(id, later(1)));
    orders.push(life);
    events += life.length;
  }
  return orders;
}

let db: TestDatabase | undefined;
afterAll(async () => {
  await db?.close();
});

describe.runIf(process.env.METRICS_PERF === '1')('shopMetrics over 30 days of 1,000,000 events', () => {
  it('answers under 50 ms p95', async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
    const orders = history(seededRandom(18));
    const eventCount = orders.reduce((sum, life) => sum + life.length, 0);
    const foldStarted = performance.now();
    const facts: MetricRows = { stageEntries: [], completions: [], holds: [] };
    for (const life of orders) {
      const rows = orderMetrics(life, 'America/Denver');
      facts.stageEntries.push(...rows.stageEntries);
      facts.completions.push(...rows.completions);
      facts.holds.push(...rows.holds);
    }
    const rebuilt = rebuildMetricRows(facts);
    const foldMs = performance.now() - foldStarted;
    console.log(`folded ${eventCount} events in ${Math.round(foldMs)} ms`);
    const loadStarted = performance.now();
    // The day sums, in slices (one statement each), as a rebuild loads them.
    const slice = 5000;
    const { daily } = rebuilt;
    for (
      let i = 0;
      i < Math.max(daily.stageDays.length, daily.completionDays.length, daily.holdDays.length);
      i += slice
    ) {
      const deltas = {
        stageDays: daily.stageDays.slice(i, i + slice),
        completionDays: daily.completionDays.slice(i, i + slice),
        holdDays: daily.holdDays.slice(i, i + slice),
      };
      for (const statement of metricsBatchStatements({
        states: new Map(),
        facts: { stageEntries: [], completions: [], holds: [] },
        deltas,
      }))
        await db.pool.query(statement);
    }
    await db.pool.query('vacuum analyze');
    console.log(`loaded in ${Math.round(performance.now() - loadStarted)} ms`);

    if (process.env.METRICS_PERF_EXPLAIN === '1') {
      const plan = await db.pool.query(`explain (analyze, timing on) ${SHOP_METRICS_SQL}`, [
        '2025-03-01',
        '2025-03-30',
        'all',
        null,
        ['spec-review', 'queued', 'printing', 'finishing', 'ready'],
        'ready',
        ['dtg', 'screen', 'embroidery'],
      ]);
      console.log(plan.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n'));
    }
    const filters = [
      {},
      { priority: 'rush' as const },
      { technique: 'screen' as const },
      { priority: 'standard' as const, technique: 'dtg' as const },
    ];
    const period = { from: '2025-03-01', to: '2025-03-30' };
    for (let i = 0; i < 20; i += 1) await shopMetrics(db.pool, { ...period, ...filters[i % 4] });
    const times: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const started = performance.now();
      const metrics = await shopMetrics(db.pool, { ...period, ...filters[i % 4] });
      times.push(performance.now() - started);
      expect(metrics.stages).toHaveLength(30 * 5);
    }
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.ceil(q * times.length) - 1]!.toFixed(1);
    const counts = await db.pool.query<{ name: string; n: string }>(
      "select relname as name, n_live_tup::text as n from pg_stat_user_tables where relname like 'metric_%' order by relname",
    );
    console.log(
      `${eventCount} events, ${orders.length} orders: fold ${Math.round(eventCount / (foldMs / 1000))} events/s; shopMetrics over 30 days p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${p(1)} ms\n` +
        counts.rows.map((row) => `  ${row.name}: ${row.n} rows`).join('\n'),
    );
    expect(Number(p(0.95))).toBeLessThan(50);
  }, 900_000);
});

/**
 * Read-model benchmarks (`npm run bench -- projections`):
 * - rebuild rate: `rebuildProjections` over ≥ 1,000,000 order events seeded through the
 *   PostgreSQL store's own append function, in events per second of wall time; peer: a plain
 *   read-fold-upsert loop over the same events (projectionsPeer.ts), the yardstick issue 3 names;
 * - projection lag: append committed → read model committed, p50 and p99, while 1,000
 *   commands/s flow through the order command service, checking afterwards that no event
 *   was skipped.
 * Durable PostgreSQL (embedded, fsync on) unless BENCH_DATABASE_URL names another one.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  createOrderCommands,
  createPostgresGarmentCatalog,
  createPostgresReferenceAllocator,
  type OrderCommands,
} from '../src/commands/order/index.ts';
import { createPostgresEventStore } from '../src/eventstore/postgres/index.ts';
import type { EventStore } from '../src/eventstore/eventStore.ts';
import { createDatabaseIfMissing, ensureEmbeddedPostgres } from '../src/db/embedded.ts';
import { loadInstallationSecret } from '../src/db/installationSecret.ts';
import { migrate } from '../src/db/migrate.ts';
import { rebuildProjections, startReadModel } from '../src/projections/index.ts';
import { emit, progress, round } from './support/output.ts';
import { plainReadFoldUpsert } from './projectionsPeer.ts';
import { seedOrderEvents } from './projectionsSeed.ts';

const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const COMMANDS_PER_SECOND = 1000;
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 20);

export async function run(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-projections-'));
  // The cluster may run as the `postgres` user (when we are root): it must reach its folder.
  await chmod(dataDir, 0o755);
  const external = process.env.BENCH_DATABASE_URL;
  const embedded = external
    ? undefined
    : await ensureEmbeddedPostgres({ dataDir, database: 'postgres', throwaway: true, log: () => undefined });
  const adminUrl = external ?? embedded!.adminUrl;
  try {
    // Either part can be skipped (0) when iterating on the other.
    if (REBUILD_EVENTS > 0) await rebuildRate(await freshDatabase(adminUrl, 'bench_rebuild'));
    if (LAG_SECONDS > 0) await projectionLag(await freshDatabase(adminUrl, 'bench_lag'));
  } finally {
    await embedded?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
export default run;

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.end();
  await createDatabaseIfMissing(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function open(url: string): Promise<{ pool: pg.Pool; store: EventStore; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  // pool.end() resolves while its clients are still closing; the cluster stopping right after must not crash the run.
  pool.on('error', () => undefined);
  await migrate(pool);
  const store = await createPostgresEventStore({ connectionString: url, maxConnections: 16 });
  return { pool, store, close: async () => (await store.close(), await pool.end()) };
}

async function rebuildRate(url: string): Promise<void> {
  const { pool, store, close } = await open(url);
  try {
    progress(`seeding ${REBUILD_EVENTS} order events`);
    const seeded = await seedOrderEvents(pool, REBUILD_EVENTS, (n) => progress(`  seeded ${n}`));
    // A store as a rebuild meets it in production: settled, not seconds old. Right after the seed,
    // the first reader sets every row's hint bits (writing the whole table again) while
    // autovacuum and the seed's checkpoint compete with it, which measured the seed, not the rebuild.
    progress(
      `seeded ${seeded.events} events (${seeded.orders} orders) in ${(seeded.ms / 1000).toFixed(1)} s; vacuum, checkpoint, then rebuilding`,
    );
    await pool.query('vacuum (analyze) es_events, es_streams');
    await pool.query('checkpoint');
    const report = await rebuildProjections({
      pool,
      eventStore: store,
      onProgress: ({ phase, events }) => progress(`  ${phase} ${events}`),
    });
    if (report.events !== seeded.events)
      throw new Error(`rebuild applied ${report.events} events, ${seeded.events} were seeded`);
    const phases = Object.entries(report.phasesMs)
      .map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)} s`)
      .join(', ');
    const load = loadavg()[0]!.toFixed(2);
    progress('the same events through a plain read-fold-upsert loop (the peer)');
    const plain = await plainReadFoldUpsert(pool);
    if (plain.events !== seeded.events)
      throw new Error(`the plain loop read ${plain.events} events, ${seeded.events} were seeded`);
    const plainRate = (plain.events / plain.ms) * 1000;
    emit({
      metric: 'projections.rebuild.rate',
      value: round(report.eventsPerSecond),
      unit: 'events/s',
      peer: 'plain read-fold-upsert loop over the same events (raw pg pages, status and version per order, one upsert per page; no timeline, line items, secondary indexes or domain rules)',
      peerValue: round(plainRate),
      n: report.events,
      conditions: `${report.events} order events (${report.orders} orders, one timeline row per event, store vacuumed after the seed) rebuilt into fresh tables and switched in; embedded PostgreSQL 18, durable, 2 cores shared; ${phases}; load avg ${load} at the end; ratio to the peer ${(report.eventsPerSecond / plainRate).toFixed(2)}`,
    });
  } finally {
    await close();
  }
}

async function projectionLag(url: string): Promise<void> {
  const { pool, store, close } = await open(url);
  const readModel = await startReadModel({ pool, eventStore: store, projector: true });
  const commands = createOrderCommands({
    eventStore: store,
    references: createPostgresReferenceAllocator(pool),
    garments: createPostgresGarmentCatalog(pool),
    idSecret: await loadInstallationSecret(pool),
  });
  try {
    progress('creating 2,000 orders to work on');
    const orders: string[] = [];
    for (let i = 0; i < 2000; i += 50)
      orders.push(...(await Promise.all(Array.from({ length: 50 }, () => createOne(commands)))));
    progress(`driving ${COMMANDS_PER_SECOND} commands/s for ${LAG_SECONDS} s`);
    const lags: number[] = [];
    let failed = 0;
    const started = performance.now();
    const total = COMMANDS_PER_SECOND * LAG_SECONDS;
    const inFlight = new Set<Promise<void>>();
    let issued = 0;
    // Open loop: commands start on schedule whatever the latency of earlier ones.
    while (issued < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * COMMANDS_PER_SECOND));
      for (; issued < due; issued += 1) {
        const task = oneCommand(commands, orders, issued)
          .then(async (position) => {
            const committed = performance.now();
            if (!(await readModel.changeFeed.waitForPosition(position, { timeoutMs: 30_000 })))
              throw new Error('read model never reached the position');
            lags.push(performance.now() - committed);
          })
          .catch(() => void (failed += 1))
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    const skipped = await unprojectedEvents(pool);
    lags.sort((a, b) => a - b);
    const at = (q: number): number => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? Number.NaN;
    const conditions = `${lags.length} commands at ${round(lags.length / seconds)}/s offered ${COMMANDS_PER_SECOND}/s (${failed} refused or failed) through the order command service; projector in the same process, change feed wake-up; durable embedded PostgreSQL 18, 2 cores shared`;
    emit({ metric: 'projections.lag.p50', value: round(at(0.5)), unit: 'ms', n: lags.length, conditions });
    emit({ metric: 'projections.lag.p99', value: round(at(0.99)), unit: 'ms', n: lags.length, conditions });
    emit({
      metric: 'projections.lag.skipped_events',
      value: skipped,
      unit: 'events',
      n: lags.length,
      conditions:
        'order events in the store without their timeline entry, or orders whose version differs from their stream, after the run',
    });
  } finally {
    await readModel.close();
    await close();
  }
}

const customer = { type: 'customer', id: randomUUID() } as const;
const operator = { type: 'operator', id: randomUUID() } as const;

async function createOne(commands: OrderCommands): Promise<string> {
  const result = await commands.createOrder(
    {
      garmentId: 'classic-tee',
      designUrl: 'https://cdn.example.com/d.png',
      sizes: [
        { size: 'M', quantity: 2 },
        { size: 'L', quantity: 1 },
      ],
      priority: 'standard',
    },
    { actor: customer },
  );
  return result.orderId;
}

/** A realistic mix: mostly operator updates on existing orders, some new orders. */
async function oneCommand(commands: OrderCommands, orders: readonly string[], n: number) {
  const orderId = orders[(n * 7919) % orders.length]!;
  switch (n % 10) {
    case 0:
      return (
        await commands.createOrder(
          {
            garmentId: 'pullover-hoodie',
            designUrl: 'https://cdn.example.com/e.png',
            sizes: [{ size: 'M', quantity: 1 }],
          },
          { actor: customer },
        )
      ).position;
    case 1:
    case 2:
      return (await commands.setPriority(orderId, { priority: n % 20 < 10 ? 'rush' : 'standard' }, { actor: operator }))
        .position;
    case 3:
    case 4:
      return (await commands.updateNotes(orderId, { notes: `Batch ${n}` }, { actor: operator })).position;
    default:
      return (await commands.postMessage(orderId, { message: `Checked ${n}` }, { actor: operator })).position;
  }
}

/** Events without their projection: 0 means nothing was skipped. */
async function unprojectedEvents(pool: pg.Pool): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await pool.query<{ missing: string; behind: string }>(`
      select (select count(*) from es_events where stream_id like 'order-%') - (select count(*) from fulfillment_events) as missing,
             (select count(*) from production_orders o join es_streams s on s.stream_id = 'order-' || o.id where s.version <> o.version) as behind`);
    const missing = Number(rows[0]!.missing) + Number(rows[0]!.behind);
    if (missing === 0 || Date.now() > deadline) return missing;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPostgreSQLEventStore, type PostgresEventStore as EmmettStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import type { EventStore } from '../src/eventstore/eventStore.ts';
import { createPostgresEventStore } from '../src/eventstore/postgres/index.ts';
import { createDatabaseIfMissing, ensureEmbeddedPostgres } from '../src/db/embedded.ts';
import { appendWorkload, emmettAppends, ourAppends } from './eventstore/appendTargets.ts';
import { emmettOrderLives, ourCachedOrderLives, ourOrderLives } from './eventstore/orderWorkload.ts';
import { runLoad, type LoadResult } from './support/load.ts';
import { emit, progress, round } from './support/output.ts';

const PEER = 'emmett-postgresql 0.42';
const WARMUP_MS = 1000;
const DURATION_MS = 5000;

interface Scenario {
  readonly name: string;
  readonly what: string;
  readonly concurrency: number;
  readonly unit: string;
  /** Events per operation, for an extra events/s line when > 1. */
  readonly events: number;
  readonly ours: (worker: number) => Promise<unknown>;
  readonly peer: (worker: number) => Promise<unknown>;
}

/**
 * Our PostgreSQL event store against Emmett's, one after the other on the same durable embedded
 * cluster (default fsync and synchronous_commit), each in its own database.
 */
export async function run(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'po-bench-pg-'));
  await chmod(dataDir, 0o755);
  const cluster = await ensureEmbeddedPostgres({ dataDir, database: 'bench_ours', throwaway: true });
  let ours: EventStore | undefined;
  let peer: EmmettStore | undefined;
  try {
    await createDatabaseIfMissing(cluster.adminUrl, 'bench_emmett');
    const emmett = new URL(cluster.url);
    emmett.pathname = '/bench_emmett';
    const emmettUrl = emmett.toString();
    const setting = await durability(cluster.url);
    ours = await createPostgresEventStore({ connectionString: cluster.url });
    peer = getPostgreSQLEventStore(emmettUrl);
    await peer.schema.migrate();
    const conditions = `embedded ${setting}; ${cpus().length} cores shared by client and server (load avg at start ${loadavg()[0]!.toFixed(1)}); ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; peer in the same process, same cluster, own database, run right after ours`;

    const scenarios: Scenario[] = [];
    for (const [events, writers] of [
      [1, 1],
      [1, 64],
      [10, 1],
      [10, 64],
    ] as const) {
      scenarios.push({
        name: `eventstore.append_${events}_event${events > 1 ? 's' : ''}.writers_${writers}`,
        what: `appends of ${events} event${events > 1 ? 's' : ''} at an exact expected version, ${writers} writer${writers > 1 ? 's' : ''} in flight`,
        concurrency: writers,
        unit: 'appends/s',
        events,
        ours: appendWorkload(ourAppends(ours), events),
        peer: appendWorkload(emmettAppends(peer), events),
      });
    }
    scenarios.push({
      name: 'eventstore.order_commands.in_flight_64',
      what: 'order commands (load stream, decide with the order rules, append at the version read), 64 in flight, six-command order lives; ours through the order command service, the peer through Emmett CommandHandler with the same decide',
      concurrency: 64,
      unit: 'commands/s',
      events: 1,
      ours: ourOrderLives(ours),
      peer: emmettOrderLives(peer),
    });
    scenarios.push({
      name: 'eventstore.order_commands_cached.in_flight_64',
      what: 'the same order lives, ours through the generic handleCommand with its in-process state cache (a hit skips the read; the append at the cached version is the check), the peer as above',
      concurrency: 64,
      unit: 'commands/s',
      events: 1,
      ours: ourCachedOrderLives(ours),
      peer: emmettOrderLives(peer),
    });

    for (const scenario of scenarios) {
      progress(`${scenario.name}: ours`);
      const mine = await runLoad({
        concurrency: scenario.concurrency,
        warmupMs: WARMUP_MS,
        durationMs: DURATION_MS,
        operation: scenario.ours,
      });
      progress(`${scenario.name}: ${PEER}`);
      const theirs = await runLoad({
        concurrency: scenario.concurrency,
        warmupMs: WARMUP_MS,
        durationMs: DURATION_MS,
        operation: scenario.peer,
      });
      report(scenario, mine, theirs, conditions);
    }
  } finally {
    await ours?.close();
    await peer?.close();
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report(scenario: Scenario, mine: LoadResult, theirs: LoadResult, conditions: string): void {
  const lines: [string, number, number, string][] = [
    ['throughput', mine.perSecond, theirs.perSecond, scenario.unit],
    ['p50', mine.p50Ms, theirs.p50Ms, 'ms'],
    ['p99', mine.p99Ms, theirs.p99Ms, 'ms'],
  ];
  if (scenario.events > 1)
    lines.splice(1, 0, [
      'events_throughput',
      mine.perSecond * scenario.events,
      theirs.perSecond * scenario.events,
      'events/s',
    ]);
  for (const [suffix, value, peerValue, unit] of lines) {
    emit({
      metric: `${scenario.name}.${suffix}`,
      value: round(value),
      unit,
      peer: PEER,
      peerValue: round(peerValue),
      n: mine.operations,
      conditions: `${scenario.what}; ours ${round(value / peerValue)}x the peer's (peer n=${theirs.operations}); ${conditions}`,
    });
  }
}

/** The settings that make a commit durable, read back from the server rather than assumed. */
async function durability(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string; fsync: string; sync: string; method: string }>(
      "select current_setting('server_version') as v, current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync, current_setting('wal_sync_method') as method",
    );
    const row = rows[0]!;
    return `PostgreSQL ${row.v} with fsync=${row.fsync}, synchronous_commit=${row.sync}, wal_sync_method=${row.method}`;
  } finally {
    await client.end();
  }
}

/**
 * A rebuild's phases: fresh tables beside the live ones, bulk-loaded, indexed, caught up, switched
 * in. The bulk load bypasses the live projector's writes for COPY and the port's `readAll` for the
 * store's bulk reader; why, with figures: docs/adr/0007-rebuild-bulk-load.md and
 * docs/adr/0008-bulk-event-reader.md.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withoutRequestTimeouts } from '../../db/timeouts.ts';
import type { EventStore, GlobalPosition } from '../../eventstore/eventStore.ts';
import type { Projection } from './projection.ts';
import { quoteIdent } from './table.ts';
import { REBUILD_LOCK_KEY, tryLead } from '../../db/leadership.ts';
import { bulkLoad, catchUp, type LoadSettings, type RebuildCursor } from './rebuildLoad.ts';
import { buildIndexes } from './rebuildIndexes.ts';
import { cloneTableShell } from './tableClone.ts';
import { dropIfFree, RebuildLockLostError, switchTables } from './rebuildSwitch.ts';

export type RebuildPhase = 'bulk' | 'indexes' | 'catch-up' | 'switch' | 'done';

export interface RebuildOptions {
  readonly pool: pg.Pool;
  readonly eventStore: EventStore;
  /** Rebuilt together and switched in one transaction. */
  readonly projections: readonly Projection[];
  /** Events per read through the port (catch-up; the bulk load too for stores without a bulk reader). Default 10,000 (the port's maximum). */
  readonly pageSize?: number;
  /** Orders held in memory during the bulk load. Default 2,000,000. */
  readonly maxOrdersInMemory?: number;
  readonly onProgress?: (progress: { readonly phase: RebuildPhase; readonly events: number }) => void;
  /**
   * How long dropping the switched-out tables waits for a reader that still holds them
   * (REBUILD_DROP_LOCK_TIMEOUT_MS); then they are left for the next rebuild. Default 5000.
   */
  readonly dropLockTimeoutMs?: number;
}

export interface RebuildReport {
  /** Events applied into the new tables. */
  readonly events: number;
  /** Where the new tables (now live) stand. */
  readonly position: GlobalPosition | undefined;
  readonly durationMs: number;
  readonly eventsPerSecond: number;
  /** Dead letters resolved: the rebuild applied those events after all. */
  readonly clearedDeadLetters: number;
  /** False when a reader still held the switched-out tables: they are dropped by the next rebuild. */
  readonly retiredDropped: boolean;
  readonly phasesMs: Readonly<Record<Exclude<RebuildPhase, 'done'>, number>>;
}

export class RebuildBusyError extends Error {
  override readonly name = 'RebuildBusyError';
  constructor() {
    super('Another rebuild is running against this database');
  }
}

const SCHEMA_PREFIX = 'projection_rebuild_';
/** How a rebuild's working connections show in `pg_stat_activity` (its lock session keeps the pool's name). */
export const REBUILD_APPLICATION_NAME = 'projections rebuild';
const RETIRED_PREFIX = 'projection_retired_';

/**
 * Rebuilds the projections' read tables beside the live ones without downtime: fresh tables in a schema
 * of their own, bulk-loaded from every event, indexed, caught up, then swapped in for the live
 * tables in one transaction (the live projector waits only for that transaction). Readers see
 * the old tables or the new ones, never a half-built one; changes made meanwhile are in the new
 * tables because the switch applies whatever the live projector applied or has yet to. Strict:
 * an event that cannot be applied stops the rebuild and the live tables stay as they were.
 */
export async function rebuildProjections(options: RebuildOptions): Promise<RebuildReport> {
  const started = performance.now();
  const guard = await tryLead(options.pool.options, REBUILD_LOCK_KEY);
  if (!guard) throw new RebuildBusyError();
  const connect = async (): Promise<pg.Client> => {
    // A COPY or an index build of every order runs for minutes: not under a request pool's timeouts.
    const connection = new pg.Client({
      ...withoutRequestTimeouts(options.pool.options),
      application_name: REBUILD_APPLICATION_NAME,
    });
    // A dead connection fails the statement in flight, which fails the rebuild; pg also emits
    // 'error', which unheard would end the process before the cleanup below ran.
    connection.on('error', () => undefined);
    try {
      await connection.connect();
      // Larger sort memory for the index builds of a big load.
      await connection.query("set maintenance_work_mem = '256MB'");
    } catch (error) {
      await connection.end().catch(() => undefined);
      throw error;
    }
    return connection;
  };
  let client: pg.Client;
  try {
    client = await connect();
  } catch (error) {
    await guard.release();
    throw error;
  }
  const schema = `${SCHEMA_PREFIX}${randomBytes(6).toString('hex')}`;
  const phasesMs = { bulk: 0, indexes: 0, 'catch-up': 0, switch: 0 };
  let phase: RebuildPhase = 'bulk';
  let phaseStarted = performance.now();
  const enter = (next: RebuildPhase, events: number): void => {
    // Without its lock another rebuild may start, and its clean-up drops this one's schema: stop
    // at the next phase rather than go on (the switch looks once more just before it commits).
    // Best effort: a session gone half-open is noticed by its heartbeat within about 6 s.
    if (guard.lost.aborted && next !== 'done') throw new RebuildLockLostError();
    if (phase !== 'done') phasesMs[phase] += performance.now() - phaseStarted;
    phase = next;
    phaseStarted = performance.now();
    options.onProgress?.({ phase, events });
  };
  try {
    await dropLeftovers(client, options.dropLockTimeoutMs ?? 5000);
    await client.query(`create schema ${quoteIdent(schema)}`);
    const tables = options.projections.flatMap((projection) => projection.tables);
    for (const table of tables) await cloneTableShell(client, schema, table.name);

    const settings: LoadSettings = {
      eventStore: options.eventStore,
      schema,
      slots: options.projections.map((projection) => ({ projection, rebuild: projection.rebuild() })),
      streamPrefixes: [...new Set(options.projections.flatMap((projection) => projection.streamPrefixes))],
      pageSize: options.pageSize ?? 10_000,
      maxOrdersInMemory: options.maxOrdersInMemory ?? 2_000_000,
      onProgress: (events) => options.onProgress?.({ phase, events }),
    };
    options.onProgress?.({ phase, events: 0 });
    const head = await options.eventStore.headPosition();
    const streamed = tables.filter((table) => table.load === 'streamed');
    const cursor: RebuildCursor = { position: undefined, events: 0 };
    if (head) await bulkLoad(connect, settings, head, cursor, () => buildIndexes([client], schema, streamed));

    enter('indexes', cursor.events);
    const helper = await connect();
    try {
      // The final-state tables' indexes (the orders': many, each small, a row per order): two connections building
      // side by side keep the cores busy, and parallel workers within each build only added
      // their start-up and merge (2.6–2.9 s → 2.0–2.3 s for 143,000 orders on 2 cores).
      for (const connection of [client, helper]) await connection.query('set max_parallel_maintenance_workers = 0');
      await buildIndexes([client, helper], schema, head ? tables.filter((table) => table.load === 'final') : tables);
      await client.query('reset max_parallel_maintenance_workers');
    } finally {
      await helper.end().catch(() => undefined);
    }

    enter('catch-up', cursor.events);
    await catchUp(client, settings, cursor);

    enter('switch', cursor.events);
    const dropLockTimeoutMs = options.dropLockTimeoutMs ?? 5000;
    const switched = await switchTables(client, settings, cursor, RETIRED_PREFIX, guard.lost, dropLockTimeoutMs);
    enter('done', cursor.events);
    const durationMs = performance.now() - started;
    return {
      events: cursor.events,
      position: cursor.position,
      durationMs,
      eventsPerSecond: durationMs > 0 ? Math.round((cursor.events / durationMs) * 1000) : 0,
      clearedDeadLetters: switched.clearedDeadLetters,
      retiredDropped: switched.retiredDropped,
      phasesMs,
    };
  } finally {
    await client.query(`drop schema if exists ${quoteIdent(schema)} cascade`).catch(() => undefined);
    await client.end().catch(() => undefined);
    await guard.release();
  }
}

/**
 * Schemas a crashed rebuild left behind, and retired tables a reader held at the last switch;
 * only one rebuild runs at a time (we hold its lock). One still held is left for the next time.
 */
async function dropLeftovers(client: pg.Client, lockTimeoutMs: number): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    'select nspname as name from pg_namespace where starts_with(nspname, $1) or starts_with(nspname, $2)',
    [SCHEMA_PREFIX, RETIRED_PREFIX],
  );
  for (const row of rows) await dropIfFree(client, quoteIdent(row.name), lockTimeoutMs);
}

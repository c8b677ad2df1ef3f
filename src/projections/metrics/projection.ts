import type pg from 'pg';
import type { RecordedEvent } from '../../eventstore/eventStore.ts';
import { CommittedRows, rowsToRead } from '../engine/committedRows.ts';
import type { DeadLetter } from '../engine/deadLetters.ts';
import {
  RebuildStoppedError,
  type LiveProjection,
  type Projection,
  type RebuildProjection,
} from '../engine/projection.ts';
import { checkedStoredOrderEvent, ProjectionDataError } from '../orders/guard.ts';
import {
  foldMetricsBatch,
  isFinished,
  liveStatements,
  metricsBatchStatements,
  readStatesSql,
  statesFromRows,
  type StoredMetricsState,
  type VersionedOrderEvent,
} from './batch.ts';
import { DailySums } from './daily.ts';
import { emptyRows, METRIC_EVENT_TYPES, stepMetrics, type MetricRows, type OrderMetricsState } from './fold.ts';
import {
  HOLD_DAYS_TABLE,
  COMPLETION_DAYS_TABLE,
  METRIC_TABLES,
  ORDER_STATES_TABLE,
  STAGE_DAYS_TABLE,
} from './tables.ts';

/** The metrics projection's name: its checkpoint and dead letters are kept under it. */
export const METRICS_PROJECTION = 'metrics';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** A stored event as the fold reads it, checked against the domain's schema (throws `ProjectionDataError`). */
function versioned(event: RecordedEvent): VersionedOrderEvent {
  return { version: event.streamVersion, event: checkedStoredOrderEvent(event) };
}

const describe = (error: unknown): string =>
  error instanceof ProjectionDataError ? error.message : error instanceof Error ? error.message : String(error);

/** The stored states of these orders: those at hand in `known`, the rest read from the tables of `schema` (see `rowsToRead`). */
async function statesOf(
  db: Queryable,
  schema: string,
  events: readonly VersionedOrderEvent[],
  known: ReadonlyMap<string, StoredMetricsState> | undefined,
): Promise<Map<string, StoredMetricsState>> {
  const { found: states, missing } = rowsToRead(
    events.map(({ version, event }) => ({ key: event.orderId, version })),
    known,
  );
  if (missing.length > 0) {
    const { rows } = await db.query<{ order_id: string; version: number; state: OrderMetricsState | null }>(
      readStatesSql(schema),
      [missing],
    );
    for (const [id, state] of statesFromRows(rows)) states.set(id, state);
  }
  return states;
}

function live(timeZone: string): LiveProjection<never> {
  // Order states as this projector last committed them, to skip reading them back.
  const committed = new CommittedRows<StoredMetricsState>();
  return {
    async fold(client, schema, events, rejected) {
      const checked: VersionedOrderEvent[] = [];
      const deadLetters: DeadLetter[] = [];
      for (const event of events) {
        // Refused by the database before: dead-lettered by the engine, skipped here.
        if (rejected.has(event)) continue;
        try {
          checked.push(versioned(event));
        } catch (error) {
          deadLetters.push({ event, error: describe(error) });
        }
      }
      const batch = foldMetricsBatch(await statesOf(client, schema, checked, committed.rows), checked, timeZone);
      return {
        statements: await liveStatements(client, metricsBatchStatements(batch, schema)),
        deadLetters,
        // The change feed tells order changes: the orders projection's. Figures are read on demand.
        changedIds: [],
        committed: () => committed.remember(batch.states),
      };
    },
    forget: () => committed.clear(),
  };
}

/**
 * The rebuild: every order's state in memory (null once it is done, so a finished order costs
 * its version only). A fact adds to the day sums as soon as it is final (a stage left, a hold
 * ended, a completion, anything of a finished order); facts still open after the last page add
 * theirs at the end, when the day sums and the states are written.
 */
function rebuild(timeZone: string): RebuildProjection {
  let states: Map<string, StoredMetricsState> | undefined = new Map();
  const sums = new DailySums();
  let openAdded = false;
  const out: MetricRows = emptyRows();

  const addFinal = (rows: MetricRows, finished: boolean): void => {
    for (const row of rows.stageEntries) if (row.left_at !== null || finished) sums.stageEntry(row, 1);
    for (const row of rows.completions) sums.completion(row, 1);
    for (const row of rows.holds) if (row.ended_at !== null || finished) sums.holdRow(row, 1);
  };

  /** What the still-open facts add to the day sums, once, before the sums are written. */
  const addOpen = (): void => {
    if (openAdded || !states) return;
    openAdded = true;
    for (const { state } of states.values()) {
      if (state?.stage) sums.stageEntry(state.stage, 1);
      if (state?.hold) sums.holdRow(state.hold, 1);
    }
  };

  return {
    bulk(page) {
      const held = states!;
      for (const event of page) {
        let next: VersionedOrderEvent;
        try {
          next = versioned(event);
        } catch (error) {
          throw new RebuildStoppedError(event, error);
        }
        const { orderId } = next.event;
        const current = held.get(orderId);
        if (current !== undefined && (next.version <= current.version || current.state === null)) continue;
        out.stageEntries.length = 0;
        out.completions.length = 0;
        out.holds.length = 0;
        const state = stepMetrics(current?.state ?? null, next.event, timeZone, out);
        if (state === null) continue;
        const finished = isFinished(state);
        addFinal(out, finished);
        held.set(orderId, { version: next.version, state: finished ? null : state });
      }
    },
    *finalLines(table) {
      if (!states) return;
      if (table === ORDER_STATES_TABLE.name) {
        for (const [order_id, { version, state }] of states)
          yield ORDER_STATES_TABLE.copyLine({ order_id, version, state });
      } else if (table === STAGE_DAYS_TABLE.name) {
        addOpen();
        for (const row of sums.rows().stageDays) yield STAGE_DAYS_TABLE.copyLine(row);
      } else if (table === COMPLETION_DAYS_TABLE.name) {
        addOpen();
        for (const row of sums.rows().completionDays) yield COMPLETION_DAYS_TABLE.copyLine(row);
      } else if (table === HOLD_DAYS_TABLE.name) {
        addOpen();
        for (const row of sums.rows().holdDays) yield HOLD_DAYS_TABLE.copyLine(row);
      }
    },
    get held() {
      return states?.size ?? 0;
    },
    forget() {
      states = undefined;
    },
    async apply(db, schema, page) {
      const checked: VersionedOrderEvent[] = [];
      for (const event of page) {
        try {
          checked.push(versioned(event));
        } catch (error) {
          throw new RebuildStoppedError(event, error);
        }
      }
      const batch = foldMetricsBatch(await statesOf(db, schema, checked, states), checked, timeZone);
      for (const write of metricsBatchStatements(batch, schema)) await db.query(write);
      if (states) for (const [id, state] of batch.states) states.set(id, state);
    },
  };
}

/**
 * The shop's figures (see README.md): facts per order and day sums, from the order events the
 * figures read, days counted in `timeZone` (the shop's, `SHOP_TIME_ZONE`). It tells the change
 * feed nothing: the figures are read on demand.
 */
export function metricsProjection(timeZone: string): Projection<never> {
  return {
    name: METRICS_PROJECTION,
    tables: Object.values(METRIC_TABLES),
    streamPrefixes: ['order-'],
    canHandle: (type) => (METRIC_EVENT_TYPES as ReadonlySet<string>).has(type),
    live: () => live(timeZone),
    rebuild: () => rebuild(timeZone),
  };
}

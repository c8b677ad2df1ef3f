import type { OrderEvent } from '../../domain/order/events.ts';
import type pg from 'pg';
import { prepareOnce, sqlLiteral } from '../engine/batchSql.ts';
import { dailyDeltas, dailyRowsOf, type DailyRows } from './daily.ts';
import {
  emptyRows,
  holdKey,
  latestRows,
  stageEntryKey,
  stepMetrics,
  type MetricRows,
  type OrderMetricsState,
} from './fold.ts';
import { qualified, type ReadTable } from '../engine/table.ts';
import { DAY_COUNTERS, METRIC_TABLES } from './tables.ts';

/**
 * The metrics projection's two ways of writing, over the same fold: a live batch (states
 * upserted, day sums moved by the facts' difference) and a rebuild (day sums of the final facts).
 */

/** An order event with its place in its stream. */
export interface VersionedOrderEvent {
  readonly version: number;
  readonly event: OrderEvent;
}

/** An order's fold state as `metric_order_states` keeps it: null once it is fulfilled or canceled (nothing after that changes a figure). */
export interface StoredMetricsState {
  readonly version: number;
  readonly state: OrderMetricsState | null;
}

/** Fulfilled and canceled orders are done: their rows are final, and their state is kept as null. */
export const isFinished = (state: OrderMetricsState): boolean =>
  state.status === 'fulfilled' || state.status === 'canceled';

export interface MetricsBatch {
  /** Each changed order's state after the batch. */
  readonly states: ReadonlyMap<string, StoredMetricsState>;
  /** Fact rows written or changed (their final version in the batch). */
  readonly facts: MetricRows;
  /** What to add to the day rows. */
  readonly deltas: DailyRows;
}

/** The rows a state holds that a later event may rewrite: the stage it is in, the hold counting. */
function replaceable(state: OrderMetricsState | null): MetricRows {
  const rows = emptyRows();
  if (state?.stage) rows.stageEntries.push(state.stage);
  if (state?.hold) rows.holds.push(state.hold);
  return rows;
}

/**
 * Folds a live batch onto the states read from `metric_order_states` (`stored`, by order id).
 * An event at or below its order's stored version was already counted and changes nothing.
 */
export function foldMetricsBatch(
  stored: ReadonlyMap<string, StoredMetricsState>,
  events: readonly VersionedOrderEvent[],
  timeZone: string,
): MetricsBatch {
  const states = new Map<string, StoredMetricsState>();
  const written = emptyRows();
  const before = emptyRows();
  for (const { version, event } of events) {
    const current = states.get(event.orderId) ?? stored.get(event.orderId);
    if (current !== undefined && (version <= current.version || current.state === null)) continue;
    if (!states.has(event.orderId)) {
      const old = replaceable(current?.state ?? null);
      before.stageEntries.push(...old.stageEntries);
      before.holds.push(...old.holds);
    }
    const state = stepMetrics(current?.state ?? null, event, timeZone, written);
    if (state !== null) states.set(event.orderId, { version, state: isFinished(state) ? null : state });
  }
  const facts = latestRows(written);
  // Only the stored rows the batch rewrote are taken away (the rest keep what they added).
  const rewritten = new Set([...facts.stageEntries.map(stageEntryKey), ...facts.holds.map(holdKey)]);
  const replaced: MetricRows = {
    stageEntries: before.stageEntries.filter((row) => rewritten.has(stageEntryKey(row))),
    completions: [],
    holds: before.holds.filter((row) => rewritten.has(holdKey(row))),
  };
  return { states, facts, deltas: dailyDeltas(replaced, facts) };
}

/** Everything a rebuild loads, from each order's final facts. */
export function rebuildMetricRows(facts: MetricRows): { readonly facts: MetricRows; readonly daily: DailyRows } {
  const latest = latestRows(facts);
  return { facts: latest, daily: dailyRowsOf(latest) };
}

/** `jsonb_to_recordset`'s column list for a table. */
const recordType = (table: ReadTable): string =>
  Object.entries(table.columns)
    .map(([name, column]) => `${name} ${column.kind}`)
    .join(', ');

/** One write of a batch: a statement over one `jsonb` parameter (`$1`), the rows as JSON. */
export interface MetricsWrite {
  /** Its name as a prepared statement (SQL PREPARE on the projector's connection), unique per table and schema. */
  readonly prepareAs: string;
  readonly text: string;
  readonly values: [string];
}

/** Rows as one insert from a JSON array: one statement however many rows. */
function upsert(
  schema: string,
  table: ReadTable,
  rows: readonly object[],
  onConflict: string,
): MetricsWrite | undefined {
  if (rows.length === 0) return undefined;
  const names = table.columnNames.join(', ');
  return {
    prepareAs: `${table.name}_batch_${schema}`,
    text:
      `insert into ${qualified(schema, table.name)} (${names}) select ${names} from jsonb_to_recordset($1::jsonb) as r(${recordType(table)}) ` +
      `on conflict (${table.key.join(', ')}) do update set ${onConflict}`,
    values: [JSON.stringify(rows)],
  };
}

const replaceAll = (table: ReadTable): string =>
  table.columnNames
    .filter((name) => !table.key.includes(name))
    .map((name) => `${name} = excluded.${name}`)
    .join(', ');

/** Each counter plus the difference; a histogram (`int4[]`) bucket by bucket, the longer one's length kept. */
const addCounters = (schema: string, table: ReadTable, counters: readonly string[]): string =>
  counters
    .map((name) => {
      const stored = `${qualified(schema, table.name)}.${name}`;
      return table.columns[name]?.kind === 'int4[]'
        ? `${name} = array(select coalesce(a, 0) + coalesce(b, 0) from unnest(${stored}, excluded.${name}) with ordinality as u(a, b, i) order by i)`
        : `${name} = ${stored} + excluded.${name}`;
    })
    .join(', ');

/**
 * A batch's writes in `schema`, as parameterized queries (`db.query(write)`); the live batch runs
 * them as prepared statements (`liveStatements`).
 */
export function metricsBatchStatements(batch: MetricsBatch, schema = 'public'): MetricsWrite[] {
  const { states, deltas } = batch;
  const t = METRIC_TABLES;
  const stateRows = [...states].map(([order_id, { version, state }]) => ({ order_id, version, state }));
  return [
    upsert(schema, t.orderStates, stateRows, replaceAll(t.orderStates)),
    upsert(schema, t.stageDays, deltas.stageDays, addCounters(schema, t.stageDays, DAY_COUNTERS.metric_stage_days)),
    upsert(
      schema,
      t.completionDays,
      deltas.completionDays,
      addCounters(schema, t.completionDays, DAY_COUNTERS.metric_completion_days),
    ),
    upsert(schema, t.holdDays, deltas.holdDays, addCounters(schema, t.holdDays, DAY_COUNTERS.metric_hold_days)),
  ].filter((write): write is MetricsWrite => write !== undefined);
}

/**
 * The writes as statements of the engine's one-message transaction: each prepared once on the
 * connection and executed with its rows inlined, so the upserts (a JSON recordset, a conflict
 * clause adding arrays bucket by bucket) are not planned again on every batch; the batch commits
 * in the same transaction as the orders', on the path of every order change.
 */
export async function liveStatements(client: pg.ClientBase, writes: readonly MetricsWrite[]): Promise<string[]> {
  const statements: string[] = [];
  for (const write of writes) {
    const name = await prepareOnce(client, write.prepareAs, () => `(jsonb) as ${write.text}`);
    statements.push(`execute ${name}(${sqlLiteral(write.values[0])})`);
  }
  return statements;
}

/** Reads the stored states of these orders (before folding a live batch onto them). */
export const readStatesSql = (schema = 'public'): string =>
  `select order_id, version, state from ${qualified(schema, METRIC_TABLES.orderStates.name)} where order_id = any($1::uuid[])`;

export function statesFromRows(
  rows: readonly { order_id: string; version: number; state: OrderMetricsState | null }[],
): Map<string, StoredMetricsState> {
  return new Map(rows.map((row) => [row.order_id, { version: row.version, state: row.state }]));
}

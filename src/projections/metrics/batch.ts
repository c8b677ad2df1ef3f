import type { OrderEvent } from '../../domain/order/events.ts';
import { sqlLiteral } from '../engine/batchSql.ts';
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
import { METRIC_TABLES, type MetricTable } from './tables.ts';

/**
 * The metrics projection's two ways of writing, over the same fold: a live batch (facts upserted,
 * day sums moved by the difference) and a rebuild (final facts, day sums of them).
 */

/** An order event with its place in its stream. */
export interface VersionedOrderEvent {
  readonly version: number;
  readonly event: OrderEvent;
}

/** An order's fold state as `metric_order_states` keeps it. */
export interface StoredMetricsState {
  readonly version: number;
  readonly state: OrderMetricsState;
}

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
    if (current !== undefined && version <= current.version) continue;
    if (!states.has(event.orderId)) {
      const old = replaceable(current?.state ?? null);
      before.stageEntries.push(...old.stageEntries);
      before.holds.push(...old.holds);
    }
    const state = stepMetrics(current?.state ?? null, event, timeZone, written);
    if (state !== null) states.set(event.orderId, { version, state });
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

const qualified = (schema: string, table: string): string => `"${schema.replaceAll('"', '""')}"."${table}"`;

/** `jsonb_to_recordset`'s column list for a table. */
const recordType = (table: MetricTable): string => table.columns.map(([name, type]) => `${name} ${type}`).join(', ');

/** Rows as one insert of a JSON literal: one statement however many rows (values inlined, as the engine's batch wants). */
function upsert(schema: string, table: MetricTable, rows: readonly object[], onConflict: string): string | undefined {
  if (rows.length === 0) return undefined;
  const names = table.columns.map(([name]) => name).join(', ');
  return (
    `insert into ${qualified(schema, table.name)} (${names}) select ${names} from jsonb_to_recordset(${sqlLiteral(JSON.stringify(rows))}::jsonb) as r(${recordType(table)}) ` +
    `on conflict (${table.key.join(', ')}) do update set ${onConflict}`
  );
}

const replaceAll = (table: MetricTable): string =>
  table.columns
    .filter(([name]) => !table.key.includes(name))
    .map(([name]) => `${name} = excluded.${name}`)
    .join(', ');

const addCounters = (schema: string, table: MetricTable): string =>
  (table.counters ?? [])
    .map((name) => `${name} = ${qualified(schema, table.name)}.${name} + excluded.${name}`)
    .join(', ');

/** The statements a live batch adds to the engine's transaction, in `schema`. */
export function metricsBatchStatements(batch: MetricsBatch, schema = 'public'): string[] {
  const { states, facts, deltas } = batch;
  const t = METRIC_TABLES;
  const stateRows = [...states].map(([order_id, { version, state }]) => ({ order_id, version, state }));
  return [
    upsert(schema, t.orderStates, stateRows, replaceAll(t.orderStates)),
    upsert(schema, t.stageEntries, facts.stageEntries, replaceAll(t.stageEntries)),
    upsert(schema, t.completions, facts.completions, replaceAll(t.completions)),
    upsert(schema, t.holds, facts.holds, replaceAll(t.holds)),
    upsert(schema, t.stageDays, deltas.stageDays, addCounters(schema, t.stageDays)),
    upsert(schema, t.leadTimeDays, deltas.leadTimeDays, addCounters(schema, t.leadTimeDays)),
    upsert(schema, t.holdDays, deltas.holdDays, addCounters(schema, t.holdDays)),
  ].filter((statement): statement is string => statement !== undefined);
}

/** Reads the stored states of these orders (before folding a live batch onto them). */
export const readStatesSql = (schema = 'public'): string =>
  `select order_id, version, state from ${qualified(schema, METRIC_TABLES.orderStates.name)} where order_id = any($1::uuid[])`;

export function statesFromRows(
  rows: readonly { order_id: string; version: number; state: OrderMetricsState }[],
): Map<string, StoredMetricsState> {
  return new Map(rows.map((row) => [row.order_id, { version: row.version, state: row.state }]));
}

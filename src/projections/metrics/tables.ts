/**
 * The metric tables' columns (migration 011_metrics_tables.sql makes them; a test holds the two
 * equal), as the writers need them: names, SQL types, key, and for day sums the counters a live
 * batch adds to. When the engine's table definitions land (`defineTable`), these become them.
 */
export interface MetricTable {
  readonly name: string;
  readonly columns: readonly (readonly [name: string, sqlType: string])[];
  readonly key: readonly string[];
  /** Day sums: the columns a live batch adds its differences to (the others are the key). */
  readonly counters?: readonly string[];
}

const table = (
  name: string,
  columns: MetricTable['columns'],
  key: readonly string[],
  counters?: readonly string[],
): MetricTable => ({
  name,
  columns,
  key,
  ...(counters ? { counters } : {}),
});

export const METRIC_TABLES = {
  orderStates: table(
    'metric_order_states',
    [
      ['order_id', 'uuid'],
      ['version', 'int4'],
      ['state', 'jsonb'],
    ],
    ['order_id'],
  ),
  stageEntries: table(
    'metric_stage_entries',
    [
      ['order_id', 'uuid'],
      ['stage', 'text'],
      ['entered_at', 'timestamptz'],
      ['entered_day', 'date'],
      ['priority', 'text'],
      ['garments', 'jsonb'],
      ['left_at', 'timestamptz'],
      ['left_day', 'date'],
    ],
    ['order_id', 'stage'],
  ),
  completions: table(
    'metric_completions',
    [
      ['order_id', 'uuid'],
      ['paid_at', 'timestamptz'],
      ['ready_at', 'timestamptz'],
      ['ready_day', 'date'],
      ['promised_at', 'timestamptz'],
      ['on_time', 'bool'],
      ['lead_ms', 'int8'],
      ['priority', 'text'],
      ['garments', 'jsonb'],
    ],
    ['order_id'],
  ),
  holds: table(
    'metric_holds',
    [
      ['order_id', 'uuid'],
      ['started_at', 'timestamptz'],
      ['started_day', 'date'],
      ['reason', 'text'],
      ['ended_at', 'timestamptz'],
      ['held_ms', 'int8'],
      ['garments', 'jsonb'],
    ],
    ['order_id', 'started_at'],
  ),
  stageDays: table(
    'metric_stage_days',
    [
      ['day', 'date'],
      ['stage', 'text'],
      ['priority', 'text'],
      ['technique', 'text'],
      ['entered', 'int4'],
      ['entered_garments', 'int4'],
      ['exited', 'int4'],
      ['exited_garments', 'int4'],
    ],
    ['technique', 'day', 'stage', 'priority'],
    ['entered', 'entered_garments', 'exited', 'exited_garments'],
  ),
  leadTimeDays: table(
    'metric_lead_time_days',
    [
      ['day', 'date'],
      ['priority', 'text'],
      ['technique', 'text'],
      ['lead_minutes', 'int4'],
      ['completed', 'int4'],
      ['on_time', 'int4'],
    ],
    ['technique', 'day', 'priority', 'lead_minutes'],
    ['completed', 'on_time'],
  ),
  holdDays: table(
    'metric_hold_days',
    [
      ['day', 'date'],
      ['technique', 'text'],
      ['reason', 'text'],
      ['holds', 'int4'],
      ['ended', 'int4'],
      ['held_ms', 'int8'],
    ],
    ['technique', 'day', 'reason'],
    ['holds', 'ended', 'held_ms'],
  ),
} as const satisfies Record<string, MetricTable>;

import type { Priority } from '../../domain/order/events.ts';
import { date, defineTable, int4, int4Array, int8Number, jsonb, text, uuid, type RowOf } from '../engine/table.ts';
import type { OrderMetricsState, Stage, TechniqueKey } from './fold.ts';

/*
 * The metric tables, each defined once (migrations 011, 012, 013 and 015 make them; a test holds
 * the two equal): each order's fold state and the day sums the queries read. The rows the day
 * sums write, the live batch's statements and the rebuild's COPY lines all derive from these.
 * The fold's facts (stage stays, completions, holds) are not tables: nothing reads them one by
 * one, so they live in the order's state while open and in the day sums once final.
 */

/** Each order's fold state and the last stream version folded (an event at or below it was counted); `null` once it is fulfilled or canceled: nothing after that changes a figure. */
export const ORDER_STATES_TABLE = defineTable(
  'metric_order_states',
  { order_id: uuid(), version: int4(), state: jsonb<OrderMetricsState>().orNull() },
  { key: ['order_id'], statistics: ['order_id'], load: 'final' },
);

/** Orders and garments entering and leaving a stage on a day. */
export const STAGE_DAYS_TABLE = defineTable(
  'metric_stage_days',
  {
    day: date(),
    stage: text<Stage>().fixedList(),
    priority: text<Priority>().fixedList(),
    technique: text<TechniqueKey>().fixedList(),
    entered: int4(),
    entered_garments: int4(),
    exited: int4(),
    exited_garments: int4(),
  },
  { key: ['technique', 'day', 'stage', 'priority'], statistics: 'all', load: 'final' },
);

/**
 * Orders made ready on a day, per priority (the promise tier) and technique: how many, how many on
 * time, and their lead times as a histogram (`lead_counts[i]`: orders in `leadBucket` i).
 */
export const COMPLETION_DAYS_TABLE = defineTable(
  'metric_completion_days',
  {
    day: date(),
    priority: text<'rush' | 'standard'>().fixedList(),
    technique: text<TechniqueKey>().fixedList(),
    completed: int4(),
    on_time: int4(),
    lead_counts: int4Array(),
  },
  { key: ['technique', 'day', 'priority'], statistics: 'all', load: 'final' },
);

/** Holds started on a day, with one reason; their time is counted on that day once they end. */
export const HOLD_DAYS_TABLE = defineTable(
  'metric_hold_days',
  {
    day: date(),
    technique: text<TechniqueKey>().fixedList(),
    reason: text(),
    holds: int4(),
    ended: int4(),
    held_ms: int8Number(),
  },
  { key: ['technique', 'day', 'reason'], statistics: 'all', load: 'final' },
);

/** Every metric table by the name the writers use. A rebuild builds the indexes of the last listed first. */
export const METRIC_TABLES = {
  orderStates: ORDER_STATES_TABLE,
  stageDays: STAGE_DAYS_TABLE,
  completionDays: COMPLETION_DAYS_TABLE,
  holdDays: HOLD_DAYS_TABLE,
} as const;

/** Day sums: the columns a live batch adds its differences to (the others are the key). */
export const DAY_COUNTERS = {
  metric_stage_days: ['entered', 'entered_garments', 'exited', 'exited_garments'],
  metric_completion_days: ['completed', 'on_time', 'lead_counts'],
  metric_hold_days: ['holds', 'ended', 'held_ms'],
} as const satisfies {
  [K in 'metric_stage_days' | 'metric_completion_days' | 'metric_hold_days']: readonly string[];
};

export type StageDayRow = Readonly<RowOf<typeof STAGE_DAYS_TABLE>>;
export type CompletionDayRow = Readonly<RowOf<typeof COMPLETION_DAYS_TABLE>>;
export type HoldDayRow = Readonly<RowOf<typeof HOLD_DAYS_TABLE>>;

import type { Priority } from '../../domain/order/events.ts';
import {
  bool,
  date,
  defineTable,
  int4,
  int8Number,
  jsonb,
  text,
  timestamptz,
  uuid,
  type RowOf,
} from '../engine/table.ts';
import type { Garments, OrderMetricsState, Stage, TechniqueKey } from './fold.ts';

/*
 * The metric tables, each defined once (migrations 011 and 012 make them; a test holds the two
 * equal). The rows the fold and the day sums write, the live batch's statements and the
 * rebuild's COPY lines all derive from these.
 */

/** Each order's fold state and the last stream version folded (an event at or below it was counted); `null` once it is fulfilled or canceled: nothing after that changes a figure. */
export const ORDER_STATES_TABLE = defineTable(
  'metric_order_states',
  { order_id: uuid(), version: int4(), state: jsonb<OrderMetricsState>().orNull() },
  { key: ['order_id'], statistics: ['order_id'], load: 'final' },
);

/** An order's stay in a stage (a route stop). Written when it enters, rewritten when it leaves. */
export const STAGE_ENTRIES_TABLE = defineTable(
  'metric_stage_entries',
  {
    order_id: uuid(),
    stage: text<Stage>().fixedList(),
    entered_at: timestamptz(),
    /** The shop's day of `entered_at`. */
    entered_day: date(),
    /** The priority when it entered; its leaving counts under the same one, so work in progress by priority adds up. */
    priority: text<Priority>().fixedList(),
    garments: jsonb<Garments>(),
    left_at: timestamptz().orNull(),
    left_day: date().orNull(),
  },
  { key: ['order_id', 'stage'], statistics: ['order_id', 'stage'], load: 'streamed' },
);

/** An order made ready (fulfilled): its lead time and whether it kept its promise. */
export const COMPLETIONS_TABLE = defineTable(
  'metric_completions',
  {
    order_id: uuid(),
    paid_at: timestamptz(),
    ready_at: timestamptz(),
    /** The shop's day of `ready_at`. */
    ready_day: date(),
    /** The domain's promise: payment + tier days + time on hold after payment. */
    promised_at: timestamptz(),
    on_time: bool(),
    /** Payment to ready, holds included (the customer waited through them). */
    lead_ms: int8Number(),
    /** The promise tier it was fulfilled under. */
    priority: text<'rush' | 'standard'>().fixedList(),
    garments: jsonb<Garments>(),
  },
  { key: ['order_id'], statistics: ['order_id'], load: 'streamed' },
);

/** A hold, as the ETA clock counts it. */
export const HOLDS_TABLE = defineTable(
  'metric_holds',
  {
    order_id: uuid(),
    started_at: timestamptz(),
    /** The shop's day of `started_at`: the hold's figures count on that day. */
    started_day: date(),
    reason: text(),
    ended_at: timestamptz().orNull(),
    held_ms: int8Number().orNull(),
    garments: jsonb<Garments>(),
  },
  { key: ['order_id', 'started_at'], statistics: ['order_id', 'started_at'], load: 'streamed' },
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

/** Orders made ready on a day with one lead time (to `leadMinutesBucket`'s step). */
export const LEAD_TIME_DAYS_TABLE = defineTable(
  'metric_lead_time_days',
  {
    day: date(),
    priority: text<'rush' | 'standard'>().fixedList(),
    technique: text<TechniqueKey>().fixedList(),
    lead_minutes: int4(),
    completed: int4(),
    on_time: int4(),
  },
  { key: ['technique', 'day', 'priority', 'lead_minutes'], statistics: 'all', load: 'final' },
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
  leadTimeDays: LEAD_TIME_DAYS_TABLE,
  holdDays: HOLD_DAYS_TABLE,
  holds: HOLDS_TABLE,
  completions: COMPLETIONS_TABLE,
  stageEntries: STAGE_ENTRIES_TABLE,
} as const;

/** Day sums: the columns a live batch adds its differences to (the others are the key). */
export const DAY_COUNTERS = {
  metric_stage_days: ['entered', 'entered_garments', 'exited', 'exited_garments'],
  metric_lead_time_days: ['completed', 'on_time'],
  metric_hold_days: ['holds', 'ended', 'held_ms'],
} as const satisfies {
  [K in 'metric_stage_days' | 'metric_lead_time_days' | 'metric_hold_days']: readonly string[];
};

export type StageEntryRow = Readonly<RowOf<typeof STAGE_ENTRIES_TABLE>>;
export type CompletionRow = Readonly<RowOf<typeof COMPLETIONS_TABLE>>;
export type HoldRow = Readonly<RowOf<typeof HOLDS_TABLE>>;
export type StageDayRow = Readonly<RowOf<typeof STAGE_DAYS_TABLE>>;
export type LeadTimeDayRow = Readonly<RowOf<typeof LEAD_TIME_DAYS_TABLE>>;
export type HoldDayRow = Readonly<RowOf<typeof HOLD_DAYS_TABLE>>;

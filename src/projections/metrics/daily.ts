import type { Priority, Technique } from '../../domain/order/events.ts';
import { PRIORITIES, ROUTE_STOPS } from '../../domain/order/labels.ts';
import { TECHNIQUES } from '../../domain/order/validation.ts';
import type { CompletionRow, Garments, HoldRow, MetricRows, Stage, StageEntryRow, TechniqueKey } from './fold.ts';
import {
  DAY_COUNTERS,
  HOLD_DAYS_TABLE,
  COMPLETION_DAYS_TABLE,
  STAGE_DAYS_TABLE,
  type CompletionDayRow,
  type HoldDayRow,
  type StageDayRow,
} from './tables.ts';

export type { CompletionDayRow, HoldDayRow, StageDayRow } from './tables.ts';

/**
 * The per-day figures the queries read, kept by the projection beside the facts so a month's
 * figures sum a few hundred rows, not every order of the month. Each fact row contributes fixed
 * amounts to fixed day rows (`contributions`): a rebuild sums the final facts, a live batch adds
 * the contributions of a fact's new version and subtracts those of its old one, so both give the
 * same rows by construction.
 *
 * Every figure is kept per technique present in the order and once more under `all`: an order
 * with DTG and screen work counts once in each and once in the total, never twice in it.
 */

export interface DailyRows {
  readonly stageDays: StageDayRow[];
  readonly completionDays: CompletionDayRow[];
  readonly holdDays: HoldDayRow[];
}

/** Lead-time resolution by size, in minutes: finer where a few minutes matter, about 1-2% of the value above. */
const LEAD_STEPS: readonly (readonly [below: number, step: number])[] = [
  [120, 1], // to the minute under 2 hours
  [24 * 60, 10], // to 10 minutes under a day
  [7 * 24 * 60, 30], // to the half hour under a week
];
const LONG_LEAD_STEP = 120; // to 2 hours beyond

/**
 * Lead time in whole minutes, rounded down to a readable step (minute, 10 minutes, half hour,
 * 2 hours as it grows: never more than 2% under from a day up). Round hours (36 h, 5 days 12 h)
 * stay exact.
 */
export function leadMinutesBucket(leadMs: number): number {
  return leadBucketMinutes(leadBucket(leadMs));
}

/** Where each step's buckets start: bucket index and minutes. */
const STEP_STARTS: readonly { readonly index: number; readonly minutes: number; readonly step: number }[] = (() => {
  const starts = [];
  let index = 0;
  let minutes = 0;
  for (const [below, step] of [...LEAD_STEPS, [Number.POSITIVE_INFINITY, LONG_LEAD_STEP] as const]) {
    starts.push({ index, minutes, step });
    index += (below - minutes) / step;
    minutes = below;
  }
  return starts;
})();

/**
 * The lead-time histogram's bucket of a lead time: 0 for under a minute, one per step after (120
 * minutes, then 132 of 10 minutes, 288 half hours to a week, 2 hours each beyond). A day's
 * completions per priority and technique are one row whose `lead_counts[i]` counts bucket `i`,
 * so percentiles over a month read a few hundred rows, however many orders and lead times.
 */
export function leadBucket(leadMs: number): number {
  const minutes = Math.max(0, Math.floor(leadMs / 60_000));
  let at = STEP_STARTS[0]!;
  for (const start of STEP_STARTS) if (minutes >= start.minutes) at = start;
  return at.index + Math.floor((minutes - at.minutes) / at.step);
}

/** The lead time (minutes) a bucket starts at: what a percentile in it reads as. */
export function leadBucketMinutes(bucket: number): number {
  let at = STEP_STARTS[0]!;
  for (const start of STEP_STARTS) if (bucket >= start.index) at = start;
  return at.minutes + (bucket - at.index) * at.step;
}

/** `into` plus `counts`, bucket by bucket (`into` grows as needed). */
export function addCounts(into: number[], counts: readonly number[], sign = 1): number[] {
  for (let i = into.length; i < counts.length; i += 1) into.push(0);
  for (let i = 0; i < counts.length; i += 1) into[i]! += sign * counts[i]!;
  return into;
}

/** Shares already worked out, by garments object: an order's rows all carry its one object. */
const sharesOf = new WeakMap<Garments, readonly (readonly [TechniqueKey, number])[]>();

/** Each technique of the order with its garments, and `all` with the total. */
export function techniqueShares(garments: Garments): readonly (readonly [TechniqueKey, number])[] {
  const known = sharesOf.get(garments);
  if (known) return known;
  const shares: [TechniqueKey, number][] = [];
  let total = 0;
  for (const technique of TECHNIQUES) {
    const quantity = garments[technique];
    if (quantity === undefined) continue;
    shares.push([technique satisfies Technique, quantity]);
    total += quantity;
  }
  shares.push(['all', total]);
  sharesOf.set(garments, shares);
  return shares;
}

/** A small number per value of each key column, so a day's row is found without building a key string. */
const indexOf = <T extends string>(values: readonly T[]): ReadonlyMap<T, number> =>
  new Map(values.map((value, index) => [value, index]));
const TECHNIQUE_INDEX = indexOf<TechniqueKey>([...TECHNIQUES, 'all']);
const PRIORITY_INDEX = indexOf(PRIORITIES);
const STAGE_INDEX = indexOf(ROUTE_STOPS.map((stop) => stop.id));
/** The slot of a row within its day: its key columns other than the day, as one number. */
const slot = (technique: TechniqueKey, priority: Priority, stage?: Stage): number =>
  ((stage === undefined ? 0 : STAGE_INDEX.get(stage)!) * PRIORITY_INDEX.size + PRIORITY_INDEX.get(priority)!) *
    TECHNIQUE_INDEX.size +
  TECHNIQUE_INDEX.get(technique)!;

/**
 * Day rows by day, then by slot (the rest of the key), each made at its first contribution: a
 * rebuild adds millions, so no copies and no key strings per step.
 */
class Sums<R extends object> {
  private readonly days = new Map<string, Map<number | string, R>>();
  constructor(private readonly counters: readonly (keyof R & string)[]) {}
  row(day: string, at: number | string, make: () => R): Record<string, number> {
    let rows = this.days.get(day);
    if (!rows) this.days.set(day, (rows = new Map<number | string, R>()));
    let row = rows.get(at);
    if (!row) rows.set(at, (row = make()));
    return row as Record<string, number>;
  }
  /** Rows whose counters are not all zero (a live delta that cancels out writes nothing). */
  list(): R[] {
    const rows: R[] = [];
    for (const day of this.days.values())
      for (const row of day.values()) {
        const counted = this.counters.some((counter) => {
          const value = (row as Record<string, number | number[]>)[counter];
          return Array.isArray(value) ? value.some((n) => n !== 0) : value !== 0;
        });
        if (counted) rows.push(row);
      }
    return rows;
  }
}

export const STAGE_DAY_KEY = STAGE_DAYS_TABLE.key;
export const STAGE_DAY_COUNTERS = DAY_COUNTERS.metric_stage_days;
export const COMPLETION_DAY_KEY = COMPLETION_DAYS_TABLE.key;
export const COMPLETION_DAY_COUNTERS = DAY_COUNTERS.metric_completion_days;
export const HOLD_DAY_KEY = HOLD_DAYS_TABLE.key;
export const HOLD_DAY_COUNTERS = DAY_COUNTERS.metric_hold_days;

/** Adds (sign 1) or takes away (sign -1) what fact rows contribute to the day rows. */
export class DailySums {
  private readonly stage = new Sums<StageDayRow>(STAGE_DAY_COUNTERS);
  private readonly completed = new Sums<CompletionDayRow>(COMPLETION_DAY_COUNTERS);
  private readonly hold = new Sums<HoldDayRow>(HOLD_DAY_COUNTERS);

  private stageDay(day: string, row: StageEntryRow, technique: TechniqueKey): Record<string, number> {
    const { stage, priority } = row;
    return this.stage.row(day, slot(technique, priority, stage), () => ({
      day,
      stage,
      priority,
      technique,
      entered: 0,
      entered_garments: 0,
      exited: 0,
      exited_garments: 0,
    }));
  }

  stageEntry(row: StageEntryRow, sign: number): void {
    for (const [technique, garments] of techniqueShares(row.garments)) {
      const entered = this.stageDay(row.entered_day, row, technique);
      entered.entered! += sign;
      entered.entered_garments! += sign * garments;
      if (row.left_day === null) continue;
      const exited = this.stageDay(row.left_day, row, technique);
      exited.exited! += sign;
      exited.exited_garments! += sign * garments;
    }
  }

  completion(row: CompletionRow, sign: number): void {
    const { ready_day: day, priority } = row;
    const bucket = leadBucket(row.lead_ms);
    for (const [technique] of techniqueShares(row.garments)) {
      const sums = this.completed.row(day, slot(technique, priority), () => ({
        day,
        priority,
        technique,
        completed: 0,
        on_time: 0,
        lead_counts: [],
      })) as unknown as { completed: number; on_time: number; lead_counts: number[] };
      sums.completed += sign;
      if (row.on_time) sums.on_time += sign;
      while (sums.lead_counts.length <= bucket) sums.lead_counts.push(0);
      sums.lead_counts[bucket]! += sign;
    }
  }

  holdRow(row: HoldRow, sign: number): void {
    const { started_day: day, reason } = row;
    for (const [technique] of techniqueShares(row.garments)) {
      const sums = this.hold.row(day, `${technique}\u0000${reason}`, () => ({
        day,
        technique,
        reason,
        holds: 0,
        ended: 0,
        held_ms: 0,
      }));
      sums.holds! += sign;
      if (row.ended_at === null) continue;
      sums.ended! += sign;
      sums.held_ms! += sign * (row.held_ms ?? 0);
    }
  }

  facts(rows: MetricRows, sign: number): void {
    for (const row of rows.stageEntries) this.stageEntry(row, sign);
    for (const row of rows.completions) this.completion(row, sign);
    for (const row of rows.holds) this.holdRow(row, sign);
  }

  rows(): DailyRows {
    return { stageDays: this.stage.list(), completionDays: this.completed.list(), holdDays: this.hold.list() };
  }
}

/** The day rows of these (final) facts: what a rebuild loads. */
export function dailyRowsOf(facts: MetricRows): DailyRows {
  const sums = new DailySums();
  sums.facts(facts, 1);
  return sums.rows();
}

/**
 * What a live batch adds to the day rows: the facts' new versions minus the versions the tables
 * held before (`before`, keyed as the facts are; absent when the row is new).
 */
export function dailyDeltas(before: MetricRows, after: MetricRows): DailyRows {
  const sums = new DailySums();
  sums.facts(before, -1);
  sums.facts(after, 1);
  return sums.rows();
}

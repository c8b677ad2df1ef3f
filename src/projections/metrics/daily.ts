import type { Technique } from '../../domain/order/events.ts';
import { TECHNIQUES } from '../../domain/order/validation.ts';
import type { Garments, MetricRows, TechniqueKey } from './fold.ts';
import {
  DAY_COUNTERS,
  HOLD_DAYS_TABLE,
  LEAD_TIME_DAYS_TABLE,
  STAGE_DAYS_TABLE,
  type CompletionRow,
  type HoldDayRow,
  type HoldRow,
  type LeadTimeDayRow,
  type StageDayRow,
  type StageEntryRow,
} from './tables.ts';

export type { HoldDayRow, LeadTimeDayRow, StageDayRow } from './tables.ts';

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
  readonly leadTimeDays: LeadTimeDayRow[];
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
 * 2 hours as it grows: never more than 2% under from a day up): a day holds at most ~300 values
 * per priority and technique in the first week however many orders it has, so percentiles over
 * a month read a bounded number of rows. Round hours (36 h, 5 days 12 h) stay exact.
 */
export function leadMinutesBucket(leadMs: number): number {
  const minutes = Math.max(0, Math.floor(leadMs / 60_000));
  const step = LEAD_STEPS.find(([below]) => minutes < below)?.[1] ?? LONG_LEAD_STEP;
  return minutes - (minutes % step);
}

/** Each technique of the order with its garments, and `all` with the total. */
export function techniqueShares(garments: Garments): [TechniqueKey, number][] {
  const shares: [TechniqueKey, number][] = [];
  let total = 0;
  for (const technique of TECHNIQUES) {
    const quantity = garments[technique];
    if (quantity === undefined) continue;
    shares.push([technique satisfies Technique, quantity]);
    total += quantity;
  }
  shares.push(['all', total]);
  return shares;
}

/** Day rows by key, each made at its first contribution (a rebuild adds millions: no copies per step). */
class Sums<R extends object> {
  private readonly rows = new Map<string, R>();
  constructor(private readonly counters: readonly (keyof R & string)[]) {}
  row(id: string, make: () => R): Record<string, number> {
    let row = this.rows.get(id);
    if (!row) this.rows.set(id, (row = make()));
    return row as Record<string, number>;
  }
  /** Rows whose counters are not all zero (a live delta that cancels out writes nothing). */
  list(): R[] {
    return [...this.rows.values()].filter((row) =>
      this.counters.some((counter) => (row as Record<string, number>)[counter] !== 0),
    );
  }
}

export const STAGE_DAY_KEY = STAGE_DAYS_TABLE.key;
export const STAGE_DAY_COUNTERS = DAY_COUNTERS.metric_stage_days;
export const LEAD_TIME_DAY_KEY = LEAD_TIME_DAYS_TABLE.key;
export const LEAD_TIME_DAY_COUNTERS = DAY_COUNTERS.metric_lead_time_days;
export const HOLD_DAY_KEY = HOLD_DAYS_TABLE.key;
export const HOLD_DAY_COUNTERS = DAY_COUNTERS.metric_hold_days;

/** Adds (sign 1) or takes away (sign -1) what fact rows contribute to the day rows. */
export class DailySums {
  private readonly stage = new Sums<StageDayRow>(STAGE_DAY_COUNTERS);
  private readonly lead = new Sums<LeadTimeDayRow>(LEAD_TIME_DAY_COUNTERS);
  private readonly hold = new Sums<HoldDayRow>(HOLD_DAY_COUNTERS);

  private stageDay(day: string, row: StageEntryRow, technique: TechniqueKey): Record<string, number> {
    const { stage, priority } = row;
    return this.stage.row(`${day}\u0000${stage}\u0000${priority}\u0000${technique}`, () => ({
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
    const lead_minutes = leadMinutesBucket(row.lead_ms);
    for (const [technique] of techniqueShares(row.garments)) {
      const sums = this.lead.row(`${day}\u0000${priority}\u0000${technique}\u0000${lead_minutes}`, () => ({
        day,
        priority,
        technique,
        lead_minutes,
        completed: 0,
        on_time: 0,
      }));
      sums.completed! += sign;
      if (row.on_time) sums.on_time! += sign;
    }
  }

  holdRow(row: HoldRow, sign: number): void {
    const { started_day: day, reason } = row;
    for (const [technique] of techniqueShares(row.garments)) {
      const sums = this.hold.row(`${day}\u0000${technique}\u0000${reason}`, () => ({
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
    return { stageDays: this.stage.list(), leadTimeDays: this.lead.list(), holdDays: this.hold.list() };
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

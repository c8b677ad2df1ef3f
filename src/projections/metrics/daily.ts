import type { Priority, Technique } from '../../domain/order/events.ts';
import { TECHNIQUES } from '../../domain/order/validation.ts';
import type { CompletionRow, Garments, HoldRow, MetricRows, Stage, StageEntryRow, TechniqueKey } from './fold.ts';

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

/** Orders and garments entering and leaving a stage on a day. */
export interface StageDayRow {
  readonly day: string;
  readonly stage: Stage;
  readonly priority: Priority;
  readonly technique: TechniqueKey;
  readonly entered: number;
  readonly entered_garments: number;
  readonly exited: number;
  readonly exited_garments: number;
}

/** Orders made ready on a day with one lead time (to {@link leadMinutesBucket}'s precision). */
export interface LeadTimeDayRow {
  readonly day: string;
  readonly priority: 'rush' | 'standard';
  readonly technique: TechniqueKey;
  readonly lead_minutes: number;
  readonly completed: number;
  readonly on_time: number;
}

/** Holds started on a day, with one reason; their time is counted on that day once they end. */
export interface HoldDayRow {
  readonly day: string;
  readonly technique: TechniqueKey;
  readonly reason: string;
  readonly holds: number;
  readonly ended: number;
  readonly held_ms: number;
}

export interface DailyRows {
  readonly stageDays: StageDayRow[];
  readonly leadTimeDays: LeadTimeDayRow[];
  readonly holdDays: HoldDayRow[];
}

/**
 * Lead time in whole minutes, kept to three significant digits (exact below 1,000 minutes, to
 * 10 minutes below 10,000, to 100 above): at most 1% off, and a day holds at most ~2,800
 * distinct values per priority and technique however many orders it has, so percentiles over a
 * month read a bounded number of rows.
 */
export function leadMinutesBucket(leadMs: number): number {
  const minutes = Math.max(0, Math.floor(leadMs / 60_000));
  if (minutes < 1000) return minutes;
  const step = 10 ** (Math.floor(Math.log10(minutes)) - 2);
  return Math.floor(minutes / step) * step;
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

/** Sums contributions by day row, keeping the order rows first appeared in. */
class Sums<R extends object> {
  private readonly rows = new Map<string, Record<string, unknown>>();
  constructor(
    private readonly keyColumns: readonly (keyof R & string)[],
    private readonly counters: readonly (keyof R & string)[],
  ) {}
  add(key: Partial<R>, amounts: Partial<Record<keyof R & string, number>>, sign: number): void {
    const id = this.keyColumns.map((column) => String(key[column])).join('\u0000');
    let row = this.rows.get(id);
    if (!row) {
      row = { ...key };
      for (const counter of this.counters) row[counter] = 0;
      this.rows.set(id, row);
    }
    for (const counter of this.counters) row[counter] = (row[counter] as number) + sign * (amounts[counter] ?? 0);
  }
  /** Rows whose counters are not all zero (a live delta that cancels out writes nothing). */
  list(): R[] {
    return [...this.rows.values()].filter((row) => this.counters.some((counter) => row[counter] !== 0)) as R[];
  }
}

export const STAGE_DAY_KEY = ['day', 'stage', 'priority', 'technique'] as const satisfies readonly (keyof StageDayRow)[];
export const STAGE_DAY_COUNTERS = ['entered', 'entered_garments', 'exited', 'exited_garments'] as const satisfies readonly (keyof StageDayRow)[];
export const LEAD_TIME_DAY_KEY = ['day', 'priority', 'technique', 'lead_minutes'] as const satisfies readonly (keyof LeadTimeDayRow)[];
export const LEAD_TIME_DAY_COUNTERS = ['completed', 'on_time'] as const satisfies readonly (keyof LeadTimeDayRow)[];
export const HOLD_DAY_KEY = ['day', 'technique', 'reason'] as const satisfies readonly (keyof HoldDayRow)[];
export const HOLD_DAY_COUNTERS = ['holds', 'ended', 'held_ms'] as const satisfies readonly (keyof HoldDayRow)[];

/** Adds (sign 1) or takes away (sign -1) what fact rows contribute to the day rows. */
export class DailySums {
  private readonly stage = new Sums<StageDayRow>(STAGE_DAY_KEY, STAGE_DAY_COUNTERS);
  private readonly lead = new Sums<LeadTimeDayRow>(LEAD_TIME_DAY_KEY, LEAD_TIME_DAY_COUNTERS);
  private readonly hold = new Sums<HoldDayRow>(HOLD_DAY_KEY, HOLD_DAY_COUNTERS);

  stageEntry(row: StageEntryRow, sign: number): void {
    for (const [technique, garments] of techniqueShares(row.garments)) {
      const key = { stage: row.stage, priority: row.priority, technique };
      this.stage.add({ ...key, day: row.entered_day }, { entered: 1, entered_garments: garments }, sign);
      if (row.left_day !== null) this.stage.add({ ...key, day: row.left_day }, { exited: 1, exited_garments: garments }, sign);
    }
  }

  completion(row: CompletionRow, sign: number): void {
    const lead_minutes = leadMinutesBucket(row.lead_ms);
    for (const [technique] of techniqueShares(row.garments)) {
      this.lead.add({ day: row.ready_day, priority: row.priority, technique, lead_minutes }, { completed: 1, on_time: row.on_time ? 1 : 0 }, sign);
    }
  }

  holdRow(row: HoldRow, sign: number): void {
    for (const [technique] of techniqueShares(row.garments)) {
      const ended = row.ended_at === null ? {} : { ended: 1, held_ms: row.held_ms ?? 0 };
      this.hold.add({ day: row.started_day, technique, reason: row.reason }, { holds: 1, ...ended }, sign);
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

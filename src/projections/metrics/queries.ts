import type pg from 'pg';
import type { Priority, Technique } from '../../domain/order/events.ts';
import { PRIORITIES, ROUTE_STOPS } from '../../domain/order/labels.ts';
import { FieldProblems, TECHNIQUES } from '../../domain/order/validation.ts';
import { addCounts, leadBucketMinutes } from './daily.ts';
import type { Stage, TechniqueKey } from './fold.ts';

/**
 * The shop's figures over a period, read from the day sums the metrics projection keeps: one
 * statement, whose cost follows the number of days asked for (and the stages, priorities,
 * techniques and hold reasons per day, all bounded), never the number of orders. Lead times come
 * as a histogram per day, priority and technique; their percentiles are taken here.
 */

/** Days are the shop's calendar days, both ends included. */
export interface ShopMetricsFilter {
  readonly from: string;
  readonly to: string;
  /** Orders of this priority only: the priority they entered a stage with; for lead times and the on-time rate, the promise tier they were fulfilled under. Holds ignore it. */
  readonly priority?: Priority | null;
  /** Orders with garments of this technique only (an order with several counts under each). */
  readonly technique?: Technique | null;
}

/** The longest period asked at once: a year of days, which still answers fast. */
export const MAX_METRICS_DAYS = 366;

export interface StageDay {
  readonly day: string;
  readonly stage: Stage;
  /** Orders that entered the stage that day (throughput) and their garments. */
  readonly entered: number;
  readonly enteredGarments: number;
  /** Orders in the stage at the end of the day (work in progress); null for `ready`, where orders stay for good. */
  readonly inProgress: number | null;
  readonly inProgressGarments: number | null;
}

export interface LeadTime {
  /** `rush`, `standard`, a technique, or `all`. */
  readonly group: string;
  readonly completed: number;
  /** Payment to ready, nearest rank, in minutes: the start of its histogram bucket (see `leadBucket`: exact to the minute under 2 hours, then never more than 2% under from a day up). */
  readonly p50Minutes: number;
  readonly p90Minutes: number;
}

export interface OnTimeWeek {
  /** The Monday the week starts on (shop calendar); the first and last week may be partly outside the period. */
  readonly weekStart: string;
  readonly completed: number;
  readonly onTime: number;
  /** onTime / completed. */
  readonly rate: number;
}

export interface HoldReason {
  readonly reason: string;
  readonly holds: number;
  /** Time on hold of those of them that ended. */
  readonly heldMs: number;
}

export interface HoldFigures {
  /** Holds that started in the period. */
  readonly started: number;
  /** Of them, those released (or ended by a cancelation), and their time on hold. */
  readonly ended: number;
  readonly heldMs: number;
  /** The reasons most often given (at most 10), most frequent first. */
  readonly topReasons: readonly HoldReason[];
}

export interface ShopMetrics {
  readonly from: string;
  readonly to: string;
  readonly stages: readonly StageDay[];
  readonly leadTimes: { readonly byPriority: readonly LeadTime[]; readonly byTechnique: readonly LeadTime[] };
  readonly onTime: readonly OnTimeWeek[];
  readonly holds: HoldFigures;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (value: unknown): value is string =>
  typeof value === 'string' &&
  DAY_PATTERN.test(value) &&
  new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/** Checks the filter (every problem at once, as BAD_USER_INPUT). */
export function checkMetricsFilter(filter: ShopMetricsFilter): void {
  const problems = new FieldProblems();
  if (!isDay(filter.from)) problems.add('from', 'must be a date (YYYY-MM-DD)');
  if (!isDay(filter.to)) problems.add('to', 'must be a date (YYYY-MM-DD)');
  if (isDay(filter.from) && isDay(filter.to)) {
    const days = (Date.parse(filter.to) - Date.parse(filter.from)) / 86_400_000 + 1;
    if (days < 1) problems.add('to', 'must not be before from');
    else if (days > MAX_METRICS_DAYS) problems.add('to', `must be at most ${MAX_METRICS_DAYS} days after from`);
  }
  if (filter.priority != null && !PRIORITIES.includes(filter.priority))
    problems.add('priority', `must be one of ${PRIORITIES.join(', ')}`);
  if (filter.technique != null && !TECHNIQUES.includes(filter.technique))
    problems.add('technique', `must be one of ${TECHNIQUES.join(', ')}`);
  problems.throwIfAny('metrics filter');
}

const STAGES: readonly Stage[] = ROUTE_STOPS.map((stop) => stop.id);
/** Orders reach `ready` and stay: work in progress means nothing there. */
const LAST_STAGE: Stage = STAGES[STAGES.length - 1]!;

// $1 from, $2 to, $3 technique key ('all' or one), $4 priority or null, $5 stages, $6 the last stage.
const STAGES_SQL = `
  with f as (
    select day, stage, entered, entered_garments, exited, exited_garments from metric_stage_days
    where technique = $3 and ($4::text is null or priority = $4) and day <= $2::date
  ),
  before as (
    select stage, sum(entered - exited) as orders, sum(entered_garments - exited_garments) as garments from f where day < $1::date group by stage
  ),
  per_day as (
    select day, stage, sum(entered) as entered, sum(entered_garments) as entered_garments,
      sum(entered - exited) as net, sum(entered_garments - exited_garments) as net_garments
    from f where day >= $1::date group by day, stage
  ),
  grid as (
    select d::date as day, s.stage, s.n
    from generate_series($1::date, $2::date, interval '1 day') d cross join unnest($5::text[]) with ordinality as s(stage, n)
  ),
  series as (
    select g.day, g.stage, g.n, coalesce(p.entered, 0) as entered, coalesce(p.entered_garments, 0) as entered_garments,
      coalesce(b.orders, 0) + sum(coalesce(p.net, 0)) over w as in_progress,
      coalesce(b.garments, 0) + sum(coalesce(p.net_garments, 0)) over w as in_progress_garments
    from grid g left join per_day p using (day, stage) left join before b using (stage)
    window w as (partition by g.stage order by g.day)
  )
  select coalesce(json_agg(json_build_object(
    'day', day, 'stage', stage, 'entered', entered, 'enteredGarments', entered_garments,
    'inProgress', case when stage = $6 then null else in_progress end,
    'inProgressGarments', case when stage = $6 then null else in_progress_garments end
  ) order by day, n), '[]'::json) from series`;

// The period's lead-time histograms (a row per day, priority and technique): of the technique
// asked (or `all`) for the priority groups, of each technique for the technique groups.
const LEAD_TIMES_SQL = `
  select coalesce(json_agg(json_build_array(technique, priority, lead_counts)), '[]'::json) from metric_completion_days
  where technique = any($7::text[] || $3::text) and day between $1::date and $2::date and ($4::text is null or priority = $4)`;

const ON_TIME_SQL = `
  select coalesce(json_agg(json_build_object('weekStart', week, 'completed', completed, 'onTime', on_time, 'rate', on_time::float8 / completed) order by week), '[]'::json)
  from (
    select date_trunc('week', day)::date as week, sum(completed) as completed, sum(on_time) as on_time from metric_completion_days
    where technique = $3 and day between $1::date and $2::date and ($4::text is null or priority = $4) group by 1
  ) w`;

const HOLDS_SQL = `
  with h as (select reason, holds, ended, held_ms from metric_hold_days where technique = $3 and day between $1::date and $2::date),
  reasons as (select reason, sum(holds) as holds, sum(held_ms) as held_ms from h group by reason order by 2 desc, 1 limit 10)
  select json_build_object(
    'started', (select coalesce(sum(holds), 0) from h),
    'ended', (select coalesce(sum(ended), 0) from h),
    'heldMs', (select coalesce(sum(held_ms), 0) from h),
    'topReasons', (select coalesce(json_agg(json_build_object('reason', reason, 'holds', holds, 'heldMs', held_ms) order by holds desc, reason), '[]'::json) from reasons)
  )`;

export const SHOP_METRICS_SQL = `select (${STAGES_SQL}) as stages, (${LEAD_TIMES_SQL}) as lead_times, (${ON_TIME_SQL}) as on_time, (${HOLDS_SQL}) as holds`;

type Numeric = number | string;

/** p50 and p90 of a lead-time histogram, nearest rank: the bucket holding the ceil(p × n)-th smallest. */
function percentiles(counts: readonly number[]): Omit<LeadTime, 'group'> {
  const completed = counts.reduce((sum, n) => sum + n, 0);
  const at = (p: number): number => {
    const rank = Math.ceil(p * completed);
    let seen = 0;
    for (let bucket = 0; bucket < counts.length; bucket += 1) {
      seen += counts[bucket]!;
      if (seen >= rank) return leadBucketMinutes(bucket);
    }
    return 0;
  };
  return { completed, p50Minutes: at(0.5), p90Minutes: at(0.9) };
}
const num = (value: Numeric): number => Number(value);

/** The figures for a period (checked first: a bad filter is BAD_USER_INPUT and reads nothing). */
export async function shopMetrics(db: Pick<pg.ClientBase, 'query'>, filter: ShopMetricsFilter): Promise<ShopMetrics> {
  checkMetricsFilter(filter);
  const technique: TechniqueKey = filter.technique ?? 'all';
  const techniques = filter.technique ? [filter.technique] : TECHNIQUES;
  const { rows } = await db.query<{
    stages: Record<string, Numeric | null>[];
    lead_times: [technique: string, priority: string, counts: number[]][];
    on_time: Record<string, Numeric>[];
    holds: {
      started: Numeric;
      ended: Numeric;
      heldMs: Numeric;
      topReasons: { reason: string; holds: Numeric; heldMs: Numeric }[];
    };
  }>(SHOP_METRICS_SQL, [filter.from, filter.to, technique, filter.priority ?? null, STAGES, LAST_STAGE, techniques]);
  const row = rows[0]!;
  const histograms = { byPriority: new Map<string, number[]>(), byTechnique: new Map<string, number[]>() };
  const add = (groups: Map<string, number[]>, group: string, counts: readonly number[]) => {
    let sum = groups.get(group);
    if (!sum) groups.set(group, (sum = []));
    addCounts(sum, counts);
  };
  for (const [rowTechnique, priority, counts] of row.lead_times) {
    if (rowTechnique === technique) {
      add(histograms.byPriority, priority, counts);
      add(histograms.byPriority, 'all', counts);
    }
    if ((techniques as readonly string[]).includes(rowTechnique)) add(histograms.byTechnique, rowTechnique, counts);
  }
  const lead = (groups: Map<string, number[]>): LeadTime[] =>
    [...groups]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([group, counts]) => ({ group, ...percentiles(counts) }))
      .filter((figures) => figures.completed > 0);
  return {
    from: filter.from,
    to: filter.to,
    stages: row.stages.map((r) => ({
      day: String(r.day),
      stage: r.stage as Stage,
      entered: num(r.entered!),
      enteredGarments: num(r.enteredGarments!),
      inProgress: r.inProgress === null ? null : num(r.inProgress!),
      inProgressGarments: r.inProgressGarments === null ? null : num(r.inProgressGarments!),
    })),
    leadTimes: { byPriority: lead(histograms.byPriority), byTechnique: lead(histograms.byTechnique) },
    onTime: row.on_time.map((r) => ({
      weekStart: String(r.weekStart),
      completed: num(r.completed!),
      onTime: num(r.onTime!),
      rate: num(r.rate!),
    })),
    holds: {
      started: num(row.holds.started),
      ended: num(row.holds.ended),
      heldMs: num(row.holds.heldMs),
      topReasons: row.holds.topReasons.map((r) => ({ reason: r.reason, holds: num(r.holds), heldMs: num(r.heldMs) })),
    },
  };
}

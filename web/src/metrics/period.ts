import type { Priority, Technique } from '../gql/graphql.ts';
import { PRIORITY_NAMES, PRIORITY_VALUES } from '../ops/filter.ts';

export { PRIORITY_NAMES, PRIORITY_VALUES };

/** The schema's techniques: one added to the schema fails `npm run typecheck` until listed here. */
export const TECHNIQUE_VALUES = Object.keys({ DTG: 0, SCREEN: 0, EMBROIDERY: 0 } satisfies Record<
  Technique,
  0
>) as Technique[];

/** The picker's ready-made periods, in days up to the shop's today. */
export const PRESETS = [7, 30, 90] as const;
export type Preset = (typeof PRESETS)[number];

/** The page's filter as the address keeps it: `?days=30`, or `?from=…&to=…`, plus `priority` and `technique`. */
export interface MetricsFilter {
  /** A preset, or 'custom' with `from`/`to`. */
  readonly period: Preset | 'custom';
  readonly from: string;
  readonly to: string;
  readonly priority: Priority | null;
  readonly technique: Technique | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The period shown when the address names none. */
export const DEFAULT_PRESET: Preset = 30;

/** The days of a preset ending today (`today` as `YYYY-MM-DD`, the shop's: `shopCalendar.today`). */
export function presetRange(days: Preset, today: string): { from: string; to: string } {
  const start = new Date(`${today}T12:00:00Z`);
  start.setUTCDate(start.getUTCDate() - (days - 1));
  return { from: start.toISOString().slice(0, 10), to: today };
}

export function parseMetricsFilter(search: URLSearchParams, today: string): MetricsFilter {
  const priority = search.get('priority')?.toUpperCase() as Priority | undefined;
  const technique = search.get('technique')?.toUpperCase() as Technique | undefined;
  const common = {
    priority: priority && PRIORITY_VALUES.includes(priority) ? priority : null,
    technique: technique && TECHNIQUE_VALUES.includes(technique) ? technique : null,
  };
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  if (DAY.test(from) && DAY.test(to)) return { period: 'custom', from, to, ...common };
  const days = Number(search.get('days'));
  const period = PRESETS.find((preset) => preset === days) ?? DEFAULT_PRESET;
  return { period, ...presetRange(period, today), ...common };
}

/** The address's query string for a filter (the default period and no filter: none). */
export function metricsFilterSearch(filter: MetricsFilter): string {
  const params = new URLSearchParams();
  if (filter.period === 'custom') {
    params.set('from', filter.from);
    params.set('to', filter.to);
  } else if (filter.period !== DEFAULT_PRESET) params.set('days', String(filter.period));
  if (filter.priority) params.set('priority', filter.priority);
  if (filter.technique) params.set('technique', filter.technique);
  const text = params.toString();
  return text ? `?${text}` : '';
}

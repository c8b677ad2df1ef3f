/**
 * The shop's figures (issue 18) for the transports: operators only, over the metrics
 * projection's day sums (`src/projections/metrics/queries.ts`). The operator rule is checked
 * before the filter, so a customer learns nothing from a bad filter either: FORBIDDEN first.
 */
import { requireOperator } from '../../auth/guards.ts';
import type { Viewer } from '../../auth/viewer.ts';
import type { Queryable } from '../../projections/index.ts';
import { shopMetrics, type ShopMetrics, type ShopMetricsFilter } from '../../projections/metrics/queries.ts';
import { shopDay } from '../../projections/metrics/zone.ts';

export type {
  HoldFigures,
  HoldReason,
  LeadTime,
  OnTimeWeek,
  ShopMetrics,
  ShopMetricsFilter,
  StageDay,
} from '../../projections/metrics/queries.ts';

export interface MetricsApplicationDeps {
  /** The read model's pool: the metric tables live beside the orders'. */
  readonly db: Queryable;
  /** `SHOP_TIME_ZONE`: the zone the figures' days are counted in (the projection's). */
  readonly shopTimeZone: string;
  readonly clock?: () => Date;
}

/** The shop's calendar now: its time zone and the day it is there. */
export interface ShopCalendar {
  /** The IANA name of `SHOP_TIME_ZONE` (or `UTC`). */
  readonly timeZone: string;
  /** The shop's calendar day now, `YYYY-MM-DD`, as the figures count days. */
  readonly today: string;
}

export interface MetricsApplication {
  /** The figures over `filter`'s days; UNAUTHENTICATED / FORBIDDEN for anyone but an operator, BAD_USER_INPUT listing every problem of the filter. */
  shopMetrics(viewer: Viewer | undefined, filter: ShopMetricsFilter): Promise<ShopMetrics>;
  /** The shop's time zone and today, so a period can end on the shop's day; operators only, as the figures. */
  shopCalendar(viewer: Viewer | undefined): ShopCalendar;
}

export function createMetricsApplication(deps: MetricsApplicationDeps): MetricsApplication {
  const now = deps.clock ?? (() => new Date());
  return {
    async shopMetrics(viewer, filter) {
      requireOperator(viewer);
      return shopMetrics(deps.db, filter);
    },
    shopCalendar(viewer) {
      requireOperator(viewer);
      return { timeZone: deps.shopTimeZone, today: shopDay(now().getTime(), deps.shopTimeZone) };
    },
  };
}

/**
 * The shop's figures (issue 18) for the transports: operators only, over the metrics
 * projection's day sums (`src/projections/metrics/queries.ts`). The operator rule is checked
 * before the filter, so a customer learns nothing from a bad filter either: FORBIDDEN first.
 */
import { requireOperator } from '../../auth/guards.ts';
import type { Viewer } from '../../auth/viewer.ts';
import type { Queryable } from '../../projections/index.ts';
import { shopMetrics, type ShopMetrics, type ShopMetricsFilter } from '../../projections/metrics/queries.ts';

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
}

export interface MetricsApplication {
  /** The figures over `filter`'s days; UNAUTHENTICATED / FORBIDDEN for anyone but an operator, BAD_USER_INPUT listing every problem of the filter. */
  shopMetrics(viewer: Viewer | undefined, filter: ShopMetricsFilter): Promise<ShopMetrics>;
}

export function createMetricsApplication(deps: MetricsApplicationDeps): MetricsApplication {
  return {
    async shopMetrics(viewer, filter) {
      requireOperator(viewer);
      return shopMetrics(deps.db, filter);
    },
  };
}

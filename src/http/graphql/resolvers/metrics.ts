import type { MetricsApplication, LeadTime } from '../../../application/metrics/index.ts';
import type { Priority, Technique } from '../../../domain/order/events.ts';
import { ROUTE_STOPS, type ProductionStatus, type RouteStopId } from '../../../domain/order/labels.ts';
import type { Resolvers, ResolversTypes } from '../generated/resolvers.ts';

/** A stage as the schema names it (`ProductionStatus`): the route stop's label, which the enum maps. */
const STATUS_OF = new Map<RouteStopId, ProductionStatus>(ROUTE_STOPS.map((stop) => [stop.id, stop.label]));

const leadTime = (row: LeadTime, group: { priority?: Priority | null; technique?: Technique | null }) => ({
  priority: group.priority ?? null,
  technique: group.technique ?? null,
  completed: row.completed,
  p50Minutes: row.p50Minutes,
  p90Minutes: row.p90Minutes,
});

/** `shopMetrics` and `shopCalendar`: the shop's figures and its day, through the metrics application (operators only, the filter checked there). */
export function metricsResolvers(metrics: MetricsApplication) {
  return {
    Query: {
      shopMetrics: async (_, args, context): Promise<ResolversTypes['ShopMetrics']> => {
        const figures = await metrics.shopMetrics(context.viewer, {
          from: args.from,
          to: args.to,
          priority: args.priority ?? null,
          technique: args.technique ?? null,
        });
        return {
          ...figures,
          stages: figures.stages.map((row) => ({ ...row, stage: STATUS_OF.get(row.stage)! })),
          leadTimes: {
            // The query's groups are `all` or a priority here, and a technique there.
            byPriority: figures.leadTimes.byPriority.map((row) =>
              leadTime(row, { priority: row.group === 'all' ? null : (row.group as Priority) }),
            ),
            byTechnique: figures.leadTimes.byTechnique.map((row) =>
              leadTime(row, { technique: row.group as Technique }),
            ),
          },
        };
      },
      shopCalendar: (_, _args, context) => metrics.shopCalendar(context.viewer),
    },
  } satisfies Pick<Resolvers, 'Query'>;
}

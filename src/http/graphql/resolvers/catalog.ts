import { ROUTE_STOPS, type RouteStopId } from '../../../domain/order/labels.ts';
import type { GarmentCatalog } from '../../../application/garments.ts';
import type { Resolvers } from '../generated/resolvers.ts';

export type { GarmentCatalog, GarmentRecord } from '../../../application/garments.ts';

/** The seed's lucide icon for each stop (`lib/productionRouteStops.ts`). */
const ICONS: Readonly<Record<RouteStopId, string>> = {
  'spec-review': 'ClipboardCheck',
  queued: 'ListOrdered',
  printing: 'Printer',
  finishing: 'Sparkles',
  ready: 'Package',
};

const routeStops = ROUTE_STOPS.map((stop) => ({ ...stop, status: stop.label, icon: ICONS[stop.id] }));

/** Queries that need no order data: who am I, what can I order, what is the route. */
export function catalogResolvers(deps: { readonly garments: GarmentCatalog }) {
  return {
    Query: {
      viewer: (_, __, context) =>
        context.viewer ? { id: context.viewer.id, isOperator: context.viewer.isOperator } : null,
      garments: () => deps.garments.list(),
      routeStops: () => routeStops,
    },
    Garment: {
      // The seed shows dollars; cents stay the source so totals never suffer float rounding.
      price: (garment) => garment.priceCents / 100,
    },
  } satisfies Pick<Resolvers, 'Query' | 'Garment'>;
}

import type { IResolvers } from '@graphql-tools/utils';
import { createOrderApplication } from '../../../../application/orders/index.ts';
import { boardResolvers } from './board.ts';
import type { OrderResolverDeps } from './deps.ts';
import { orderMutationResolvers } from './mutations.ts';
import { orderQueryResolvers } from './queries.ts';
import { orderSubscriptionResolvers } from './subscriptions.ts';
import { trackingResolvers } from './tracking.ts';
import { orderTypeResolvers } from './types.ts';

export type { OrderResolverDeps, TrackingLookupLimiter } from './deps.ts';
export { noTrackingLookupLimit } from './tracking.ts';

/** The order part of the schema: queries, mutations, subscriptions and the order types' fields, over one order application. */
export function orderResolvers(deps: OrderResolverDeps): IResolvers[] {
  const orders = deps.orders ?? createOrderApplication(deps);
  return [
    orderTypeResolvers,
    orderQueryResolvers(deps, orders),
    orderMutationResolvers(deps, orders),
    orderSubscriptionResolvers(deps),
    trackingResolvers(deps, orders),
    boardResolvers(deps, orders),
  ] as IResolvers[];
}

import type { IResolvers } from '@graphql-tools/utils';
import type { OrderResolverDeps } from './deps.ts';
import { orderMutationResolvers } from './mutations.ts';
import { orderQueryResolvers } from './queries.ts';
import { orderSubscriptionResolvers } from './subscriptions.ts';
import { trackingResolvers } from './tracking.ts';
import { orderTypeResolvers } from './types.ts';

export type { OrderResolverDeps, TrackingLookupLimiter } from './deps.ts';
export { noTrackingLookupLimit } from './tracking.ts';

/** The order part of the schema: queries, mutations, subscriptions and the order types' fields. */
export function orderResolvers(deps: OrderResolverDeps): IResolvers[] {
  return [orderTypeResolvers, orderQueryResolvers(deps), orderMutationResolvers(deps), orderSubscriptionResolvers(deps), trackingResolvers(deps)] as IResolvers[];
}

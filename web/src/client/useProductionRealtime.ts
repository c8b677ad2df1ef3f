import { customerClient } from './clients.ts';
import { OrderQuery, OrderUpdatedSubscription } from './documents.ts';
import type { OrderFieldsFragment } from '../gql/graphql.ts';
import type { GraphQLClient } from './graphqlClient.ts';
import type { ApiError } from './errors.ts';
import type { Connection } from './resumableFeed.ts';
import { useResumableFeed } from './useResumableFeed.ts';

export type ProductionOrder = OrderFieldsFragment;

export interface ProductionRealtime {
  /** The order as last shown; null while loading, or when it is not found (see `error`). */
  readonly order: ProductionOrder | null;
  /** The live connection: `connecting` at first, `online` while updates flow, `offline` from a drop until live again. */
  readonly connection: Connection;
  /** NOT_FOUND (missing or not the viewer's), UNAUTHENTICATED, ...; null when all is well. */
  readonly error: ApiError | null;
  /** Shows an order a mutation answered with, when it is newer than the one shown. */
  readonly offer: (order: ProductionOrder) => void;
}

/**
 * The spec's `useProductionRealtime(orderId)`, done with the public GraphQL API: loads the order,
 * subscribes to `orderUpdated(id, afterPosition)` from the position it shows, takes only newer
 * updates, and after the socket drops subscribes again with backoff from the last position shown,
 * so no change is missed or shown twice.
 */
export function useProductionRealtime(orderId: string, client: GraphQLClient = customerClient): ProductionRealtime {
  const feed = useResumableFeed<ProductionOrder>(orderId, () => ({
    load: async () => (await client.request(OrderQuery, { id: orderId })).order,
    subscribe: (afterPosition, sink) =>
      client.subscribe(OrderUpdatedSubscription, { id: orderId, afterPosition }, { ...sink, next: (data) => sink.next(data.orderUpdated) }),
    position: (order) => order.position,
  }));
  return { order: feed.value, connection: feed.connection, error: feed.error, offer: feed.offer };
}

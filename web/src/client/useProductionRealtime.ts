import { customerClient } from './clients.ts';
import { OrderQuery, OrderUpdatedSubscription } from './documents.ts';
import type { OrderFieldsFragment } from '../gql/graphql.ts';
import type { GraphQLClient, TypedDocument } from './graphqlClient.ts';
import type { ApiError } from './errors.ts';
import type { Connection } from './resumableFeed.ts';
import { useResumableFeed } from './useResumableFeed.ts';

export type ProductionOrder = OrderFieldsFragment;

export interface ProductionRealtime<T extends { readonly position: string } = ProductionOrder> {
  /** The order as last shown; null while loading, or when it is not found (see `error`). */
  readonly order: T | null;
  /** The live connection: `connecting` at first, `online` while updates flow, `offline` from a drop until live again. */
  readonly connection: Connection;
  /** NOT_FOUND (missing or not the viewer's), UNAUTHENTICATED, ...; null when all is well. */
  readonly error: ApiError | null;
  /** Shows an order a mutation answered with, when it is newer than the one shown. */
  readonly offer: (order: T) => void;
}

/**
 * Which selection of the order a page keeps live: a query by id and the `orderUpdated`
 * subscription, both selecting the same fragment (the operator's page selects more than the customer's).
 */
export interface OrderFeedDocuments<T> {
  readonly query: TypedDocument<{ order?: T | null }, { id: string }>;
  readonly subscription: TypedDocument<{ orderUpdated: T }, { id: string; afterPosition?: string | null }>;
}

const CUSTOMER_DOCUMENTS: OrderFeedDocuments<ProductionOrder> = {
  query: OrderQuery,
  subscription: OrderUpdatedSubscription,
};

/**
 * The spec's `useProductionRealtime(orderId)`, done with the public GraphQL API: loads the order,
 * subscribes to `orderUpdated(id, afterPosition)` from the position it shows, takes only newer
 * updates, and after the socket drops subscribes again with backoff from the last position shown,
 * so no change is missed or shown twice.
 */
export function useProductionRealtime(orderId: string, client?: GraphQLClient): ProductionRealtime;
export function useProductionRealtime<T extends { readonly position: string }>(
  orderId: string,
  client: GraphQLClient,
  documents: OrderFeedDocuments<T>,
): ProductionRealtime<T>;
export function useProductionRealtime<T extends { readonly position: string }>(
  orderId: string,
  client: GraphQLClient = customerClient,
  // Only the first overload leaves `documents` out, and its T is ProductionOrder.
  documents: OrderFeedDocuments<T> = CUSTOMER_DOCUMENTS as unknown as OrderFeedDocuments<T>,
): ProductionRealtime<T> {
  const feed = useResumableFeed<T>(orderId, () => ({
    load: async () => (await client.request(documents.query, { id: orderId })).order ?? null,
    subscribe: (afterPosition, sink) =>
      client.subscribe(
        documents.subscription,
        { id: orderId, afterPosition },
        { ...sink, next: (data) => sink.next(data.orderUpdated) },
      ),
    position: (order) => order.position,
  }));
  return { order: feed.value, connection: feed.connection, error: feed.error, offer: feed.offer };
}

import type { OrderFilter } from '../../../../projections/index.ts';
import { encodeOrderCursor } from '../../../../projections/orders/cursor.ts';
import type { ProductionOrderView } from '../../../../projections/index.ts';
import type { OrderFilter as OrderFilterArg, ResolversTypes, Resolvers } from '../../generated/resolvers.ts';
import { requireViewer } from '../../context.ts';
import { createOrderApplication, type OrderApplication } from '../../../../application/orders/index.ts';
import type { OrderResolverDeps } from './deps.ts';

/** `OrderFilter` as GraphQL hands it over (enum values already mapped to the domain's). */
export type OrderFilterInput = OrderFilterArg;

/** GraphQL's nulls dropped: the read model's filter takes absent, not null. */
export function toOrderFilter(input: OrderFilterInput | null | undefined): OrderFilter {
  if (!input) return {};
  return {
    ...(input.orderStatuses ? { orderStatuses: input.orderStatuses } : {}),
    ...(input.priorities ? { priorities: input.priorities } : {}),
    ...(input.createdFrom ? { createdFrom: input.createdFrom } : {}),
    ...(input.createdTo ? { createdTo: input.createdTo } : {}),
    ...(input.userId ? { userId: input.userId.toLowerCase() } : {}),
    ...(input.search ? { search: input.search } : {}),
  };
}

/** What `orders` hands its connection's fields: the page's edges, and the count, made only when `totalCount` is selected. */
export interface OrderConnectionParent {
  readonly edges: readonly { readonly node: ProductionOrderView; readonly cursor: string }[];
  readonly pageInfo: ResolversTypes['PageInfo'];
  readonly count: () => Promise<number>;
}

/**
 * Reads, through the order application: a customer sees their own orders, another customer's
 * order is NOT_FOUND exactly like a missing one; operators see every order.
 */
export function orderQueryResolvers(
  deps: OrderResolverDeps,
  orders: OrderApplication = deps.orders ?? createOrderApplication(deps),
) {
  return {
    Query: {
      order: (_, args, context) => orders.order(requireViewer(context.viewer), args.id, { asOf: args.asOf }),
      orderByReference: (_, args, context) => orders.orderByReference(requireViewer(context.viewer), args.reference),
      orders: async (_, args, context) => {
        const viewer = requireViewer(context.viewer);
        const { page, count } = await orders.list(viewer, {
          filter: toOrderFilter(args.filter),
          first: args.first,
          ...(args.after ? { after: args.after } : {}),
          userIdPath: 'filter.userId',
        });
        // Keyset cursors: an edge's cursor continues right after it. created_at holds the
        // creating event's instant (millisecond ISO), so the view's createdAt is the exact key.
        return {
          edges: page.nodes.map((node) => ({
            node,
            cursor: encodeOrderCursor({ createdAt: node.createdAt, id: node.id }),
          })),
          pageInfo: page.pageInfo,
          // Counted by the field's own resolver, so only when `totalCount` is selected.
          count,
        };
      },
    },
    ProductionOrderConnection: {
      totalCount: (connection) => connection.count(),
    },
  } satisfies Pick<Resolvers, 'Query' | 'ProductionOrderConnection'>;
}

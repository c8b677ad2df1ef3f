import { AppError } from '../../../../domain/errors.ts';
import type { OrderState, Priority } from '../../../../domain/order/index.ts';
import { countOrders, findOrderByReference, listOrders, type OrderFilter } from '../../../../projections/index.ts';
import { encodeOrderCursor } from '../../../../projections/orders/cursor.ts';
import { visibleOrder } from '../../../../application/orders/visibleOrder.ts';
import { requireViewer, type GraphQLContext } from '../../context.ts';
import { orderAsOf } from '../../../../application/orders/asOf.ts';
import type { OrderResolverDeps } from './deps.ts';

/** `OrderFilter` as GraphQL hands it over (enum values already mapped to the domain's). */
export interface OrderFilterInput {
  readonly orderStatuses?: readonly OrderState[] | null;
  readonly priorities?: readonly Priority[] | null;
  readonly createdFrom?: Date | null;
  readonly createdTo?: Date | null;
  readonly userId?: string | null;
  readonly search?: string | null;
}

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

const notFound = (what: string) => new AppError('NOT_FOUND', `Order ${what} not found`);

/**
 * Reads. A customer sees their own orders; another customer's order is NOT_FOUND exactly like a
 * missing one. Operators see every order.
 */
export function orderQueryResolvers(deps: OrderResolverDeps) {
  const now = deps.clock ?? (() => new Date());
  return {
    Query: {
      order: async (_: unknown, args: { id: string; asOf?: Date | null }, context: GraphQLContext) => {
        const viewer = requireViewer(context.viewer);
        if (args.asOf) return orderAsOf(deps, viewer, args.id, args.asOf);
        return visibleOrder({ readModel: deps.readModel, commands: deps.commands }, viewer, args.id);
      },
      orderByReference: async (_: unknown, args: { reference: string }, context: GraphQLContext) => {
        const viewer = requireViewer(context.viewer);
        const view = await findOrderByReference(deps.readModel.db, args.reference.trim(), {
          now: now(),
          ...(viewer.isOperator ? {} : { ownerId: viewer.id }),
        });
        if (!view) throw notFound(args.reference);
        return view;
      },
      orders: async (_: unknown, args: { filter?: OrderFilterInput | null; first?: number | null; after?: string | null }, context: GraphQLContext) => {
        const viewer = requireViewer(context.viewer);
        const filter = toOrderFilter(args.filter);
        if (filter.userId && !viewer.isOperator && filter.userId !== viewer.id) {
          throw new AppError('FORBIDDEN', 'Only operators can list other users\' orders', { fields: [{ path: 'filter.userId', message: 'operators only' }] });
        }
        const ownerId = viewer.isOperator ? {} : { ownerId: viewer.id };
        const page = await listOrders(deps.readModel.db, {
          filter,
          first: args.first ?? 50,
          ...(args.after ? { after: args.after } : {}),
          ...ownerId,
          now: now(),
        });
        // Keyset cursors: an edge's cursor continues right after it. created_at holds the
        // creating event's instant (millisecond ISO), so the view's createdAt is the exact key.
        return {
          edges: page.nodes.map((node) => ({ node, cursor: encodeOrderCursor({ createdAt: node.createdAt, id: node.id }) })),
          pageInfo: page.pageInfo,
          // Counted by the field's own resolver, so only when `totalCount` is selected.
          count: () => countOrders(deps.readModel.db, { filter, ...ownerId }),
        };
      },
    },
    ProductionOrderConnection: {
      totalCount: (connection: { count: () => Promise<number> }) => connection.count(),
    },
  };
}

import { createOrderApplication, type OrderApplication } from '../../../../application/orders/index.ts';
import { shipmentOf } from '../../../../domain/order/index.ts';
import type { Resolvers } from '../../generated/resolvers.ts';
import { requireOperator, requireViewer } from '../../context.ts';
import type { OrderResolverDeps } from './deps.ts';

/**
 * Writes, through the order application: each runs one command (the domain decides, with the
 * actor from the token and `user_profiles`), then answers with the order once the read model
 * holds the change (read-your-writes), so a query right after sees it too. The arguments'
 * shapes are the schema's (generated), the command's input the application's.
 */
export function orderMutationResolvers(
  deps: OrderResolverDeps,
  orders: OrderApplication = deps.orders ?? createOrderApplication(deps),
) {
  return {
    Mutation: {
      createProductionOrder: async (_, { input }, context) => {
        const viewer = requireViewer(context.viewer);
        const { idempotencyKey, holdReason, ...order } = input;
        // The same validation as POST /api/production: one BAD_USER_INPUT listing every problem.
        const placed = await orders.place(viewer, order, {
          ...(idempotencyKey == null ? {} : { idempotencyKey }),
          ...(holdReason ? { holdReason } : {}),
        });
        // Placing waited for the read model already: a second wait would only add one more bound when it lags.
        return { order: await orders.order(viewer, placed.orderId), checkoutUrl: placed.checkoutUrl };
      },
      cancelOrder: (_, args, context) =>
        orders.cancel(requireViewer(context.viewer), args.id, { reason: args.reason ?? null }, args),
      setOrderStatus: (_, args, context) => {
        const viewer = requireOperator(context.viewer);
        // TrackingInput's fields are the shipment's (the event's names).
        const input = { status: args.status, message: args.message ?? null, ...shipmentOf(args.tracking ?? {}) };
        return orders.setStatus(viewer, args.id, input, args);
      },
      setOrderPriority: (_, args, context) =>
        orders.setPriority(
          requireOperator(context.viewer),
          args.id,
          { priority: args.priority, reason: args.reason ?? null },
          args,
        ),
      updateOrderNotes: (_, args, context) =>
        orders.updateNotes(requireOperator(context.viewer), args.id, { notes: args.notes }, args),
      postOrderMessage: (_, args, context) =>
        orders.postMessage(requireOperator(context.viewer), args.id, { message: args.message }),
      bulkSetOrderStatus: (_, { input }, context) => orders.bulkSetStatus(requireOperator(context.viewer), input),
    },
  } satisfies Pick<Resolvers, 'Mutation'>;
}

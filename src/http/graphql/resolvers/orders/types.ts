import { actorOf } from '../../../../application/orders/index.ts';
import { allowedActions, routeOf, type Order } from '../../../../domain/order/index.ts';
import type { ProductionOrderView } from '../../../../projections/index.ts';
import type { Resolvers } from '../../generated/resolvers.ts';
import { orderFlags, orderPayment } from './money.ts';

/**
 * The part of the domain's `Order` the transitions table reads (`refusalOf`: visibility, state,
 * payment, hold), taken from the read model so listing orders costs no event reads.
 */
function rulesView(view: ProductionOrderView): Order {
  const payment = view.payment.paidAt
    ? {
        sessionId: view.payment.checkoutSessionId ?? '',
        paymentIntentId: view.payment.paymentIntentId,
        amountCents: view.payment.paidCents ?? 0,
        currency: view.payment.paidCurrency ?? view.currency,
        paidAt: view.payment.paidAt,
      }
    : null;
  return {
    id: view.id,
    ownerId: view.userId,
    orderStatus: view.orderStatus,
    priority: view.priority,
    holdReason: view.holdReason,
    payment,
  } as Order;
}

/** The route map of an order as `OrderRouteStop`s (the public tracking page shows it too). */
export const routeView = (view: Pick<ProductionOrderView, 'orderStatus' | 'reachedAt'>) =>
  routeOf(view.orderStatus, view.reachedAt).map((stop) => ({ ...stop, status: stop.label }));

/** Field resolvers from the read model's views to the SDL's types (enum values map in `enums.ts`). */
export const orderTypeResolvers = {
  ProductionOrder: {
    statusLabel: (view) => view.status,
    route: routeView,
    allowedActions: (view, _, context) =>
      context.viewer ? allowedActions(rulesView(view), actorOf(context.viewer)) : [],
    payment: orderPayment,
    flags: orderFlags,
  },
  FulfillmentEvent: {
    statusLabel: (entry) => entry.status,
  },
} satisfies Pick<Resolvers, 'ProductionOrder' | 'FulfillmentEvent'>;

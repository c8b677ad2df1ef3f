import type { Order } from '../domain/order/index.ts';
import type { CheckoutOrder } from './checkoutSession.ts';

/** Reads an order from its events (the command service's `load`), never from the read model. */
export type LoadOrder = (orderId: string) => Promise<{ readonly state: Order | null }>;

/** What a Checkout session is built from: prices as fixed in the order's first event. */
export const checkoutOrderOf = (order: Order): CheckoutOrder => ({
  orderId: order.id,
  userId: order.ownerId,
  garment: order.garment,
  designUrl: order.designUrl,
  lineItems: order.lineItems,
  currency: order.currency,
  totalCents: order.totalCents,
});

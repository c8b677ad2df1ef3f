import type Stripe from 'stripe';
import type { OrderCreated } from '../domain/order/events.ts';

/** The part of the order a Checkout session is built from: its first event, where prices are fixed. */
export type CheckoutOrder = Pick<
  OrderCreated,
  'orderId' | 'userId' | 'garment' | 'designUrl' | 'lineItems' | 'currency' | 'totalCents'
>;

/** Stripe keeps idempotency keys at least 24 h: a retry inside that window returns the first session. */
export const checkoutIdempotencyKey = (orderId: string): string => `checkout-${orderId}`;
export const refundIdempotencyKey = (orderId: string): string => `refund-${orderId}`;

export const successUrl = (publicBaseUrl: string, orderId: string): string =>
  `${publicBaseUrl}/order-success?order=${encodeURIComponent(orderId)}`;
export const cancelUrl = (publicBaseUrl: string, orderId: string): string =>
  `${publicBaseUrl}/orders/${encodeURIComponent(orderId)}`;

/**
 * The Checkout session for an order (contract section 5): one line per line item at the unit
 * price kept in the order's events (never the catalogue's current price), the design as image,
 * the order and user in `metadata`. `payment_intent_data.metadata` repeats them so the charge
 * and refund events Stripe sends later name the order without a read-model lookup.
 */
export function checkoutSessionParams(
  order: CheckoutOrder,
  publicBaseUrl: string,
): Stripe.Checkout.SessionCreateParams {
  const metadata = { orderId: order.orderId, userId: order.userId };
  return {
    mode: 'payment',
    line_items: order.lineItems.map((item) => ({
      price_data: {
        currency: order.currency,
        unit_amount: item.unitPriceCents,
        product_data: { name: `${order.garment.title} - ${item.size}`, images: [order.designUrl] },
      },
      quantity: item.quantity,
    })),
    metadata,
    payment_intent_data: { metadata },
    client_reference_id: order.orderId,
    success_url: successUrl(publicBaseUrl, order.orderId),
    cancel_url: cancelUrl(publicBaseUrl, order.orderId),
  };
}

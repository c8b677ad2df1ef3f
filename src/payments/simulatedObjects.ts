import { isUuid } from '../domain/ids.ts';
import type { CheckoutOrder } from './checkoutSession.ts';
import { cancelUrl, successUrl } from './checkoutSession.ts';

/**
 * Stripe-shaped objects for simulated payments. They carry the fields our webhook reads, named and
 * typed as Stripe sends them, so a simulated payment runs exactly the code a real one does.
 * Ids are derived from the order: pressing Pay twice sends the same event id, deduped as a repeat.
 */

const SIMULATED_SESSION_PREFIX = 'cs_sim_';

export const simulatedSessionId = (orderId: string): string => `${SIMULATED_SESSION_PREFIX}${orderId}`;
export const simulatedPaymentIntentId = (orderId: string): string => `pi_sim_${orderId}`;
export const simulatedChargeId = (orderId: string): string => `ch_sim_${orderId}`;
/** Stripe ids are letters, digits and underscores: the order id without its dashes. */
const compact = (orderId: string): string => orderId.replaceAll('-', '');

/** The order a simulated session belongs to, or undefined for anything that is not one. */
export function orderIdOfSimulatedSession(sessionId: string): string | undefined {
  if (!sessionId.startsWith(SIMULATED_SESSION_PREFIX)) return undefined;
  const orderId = sessionId.slice(SIMULATED_SESSION_PREFIX.length);
  return isUuid(orderId) ? orderId.toLowerCase() : undefined;
}

export interface StripeEventEnvelope {
  readonly id: string;
  readonly object: 'event';
  readonly api_version: string;
  readonly created: number;
  readonly livemode: false;
  readonly pending_webhooks: number;
  readonly request: { readonly id: null; readonly idempotency_key: null };
  readonly type: string;
  readonly data: { readonly object: Readonly<Record<string, unknown>> };
}

export function eventEnvelope(id: string, type: string, object: Readonly<Record<string, unknown>>, now: Date): StripeEventEnvelope {
  return {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(now.getTime() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** `checkout.session.completed` for a simulated card payment of the order's full total. */
export function simulatedCheckoutCompleted(order: CheckoutOrder, publicBaseUrl: string, now: Date): StripeEventEnvelope {
  const session = {
    id: simulatedSessionId(order.orderId),
    object: 'checkout.session',
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    amount_subtotal: order.totalCents,
    amount_total: order.totalCents,
    currency: order.currency,
    client_reference_id: order.orderId,
    metadata: { orderId: order.orderId, userId: order.userId },
    payment_intent: simulatedPaymentIntentId(order.orderId),
    success_url: successUrl(publicBaseUrl, order.orderId),
    cancel_url: cancelUrl(publicBaseUrl, order.orderId),
    livemode: false,
    url: null,
    created: Math.floor(now.getTime() / 1000),
  };
  return eventEnvelope(`evt_sim_completed_${compact(order.orderId)}`, 'checkout.session.completed', session, now);
}

export interface SimulatedRefund {
  readonly orderId: string;
  readonly userId: string;
  readonly paymentIntentId: string;
  readonly amountCents: number;
  readonly currency: string;
}

/** `charge.refunded` for a full refund of a simulated payment. */
export function simulatedChargeRefunded(refund: SimulatedRefund, now: Date): StripeEventEnvelope {
  const charge = {
    id: simulatedChargeId(refund.orderId),
    object: 'charge',
    amount: refund.amountCents,
    amount_captured: refund.amountCents,
    amount_refunded: refund.amountCents,
    captured: true,
    currency: refund.currency,
    metadata: { orderId: refund.orderId, userId: refund.userId },
    paid: true,
    payment_intent: refund.paymentIntentId,
    refunded: true,
    status: 'succeeded',
    livemode: false,
    created: Math.floor(now.getTime() / 1000),
  };
  return eventEnvelope(`evt_sim_refunded_${compact(refund.orderId)}`, 'charge.refunded', charge, now);
}

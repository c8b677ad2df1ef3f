import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../domain/ids.ts';
import type { CheckoutOrder } from './checkoutSession.ts';
import { cancelUrl, successUrl } from './checkoutSession.ts';

/**
 * Stripe-shaped objects for simulated payments. They carry the fields our webhook reads, named and
 * typed as Stripe sends them, so a simulated payment runs exactly the code a real one does.
 * Event, payment and charge ids are derived from the order: pressing Pay twice sends the same event
 * id, deduped as a repeat. The session id is the one recorded on the order.
 */

const SIMULATED_SESSION_PREFIX = 'cs_sim_';
const SESSION_SECRET_BYTES = 32;
/**
 * `cs_sim_<order id, 32 hex>_<secret, 43 base64url>`; see {@link newSimulatedSessionId}. 83
 * characters: the router refuses path parameters over 100.
 */
const SIMULATED_SESSION = /^cs_sim_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/;

export const simulatedPaymentIntentId = (orderId: string): string => `pi_sim_${orderId}`;
export const simulatedChargeId = (orderId: string): string => `ch_sim_${orderId}`;
/** Stripe ids are letters, digits and underscores: the order id without its dashes. */
const compact = (orderId: string): string => orderId.replaceAll('-', '');

/**
 * A new simulated session id. Its URL is the credential, as a Stripe Checkout URL is: the page is
 * a plain form anyone holding the link may submit, so the id carries 32 random bytes nobody can
 * guess. It also names its order, so the page finds the order in the event store (always current,
 * unlike the read model) and then accepts the id only if it is the one recorded on that order.
 */
export function newSimulatedSessionId(orderId: string): string {
  return `${SIMULATED_SESSION_PREFIX}${compact(orderId.toLowerCase())}_${randomBytes(SESSION_SECRET_BYTES).toString('base64url')}`;
}

/** The order a simulated session id names, or undefined for anything not shaped as one. Proves nothing. */
export function orderIdOfSimulatedSession(sessionId: string): string | undefined {
  const hex = SIMULATED_SESSION.exec(sessionId)?.[1];
  if (!hex) return undefined;
  const orderId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return isUuid(orderId) ? orderId : undefined;
}

/** The recorded session id equals the one presented; compared in constant time, as a secret is. */
export function isRecordedSession(recorded: string | undefined, presented: string): boolean {
  if (recorded === undefined) return false;
  const a = Buffer.from(recorded);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
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

/** `checkout.session.completed` for a simulated card payment of the order's full total, in session `sessionId`. */
export function simulatedCheckoutCompleted(order: CheckoutOrder, sessionId: string, publicBaseUrl: string, now: Date): StripeEventEnvelope {
  const session = {
    id: sessionId,
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

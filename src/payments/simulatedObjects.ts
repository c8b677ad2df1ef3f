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
/** The one refund a simulated payment gets (the refund reactor asks once per order). */
export const simulatedRefundId = (orderId: string): string => `re_sim_${orderId}`;
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

export function eventEnvelope(
  id: string,
  type: string,
  object: Readonly<Record<string, unknown>>,
  now: Date,
): StripeEventEnvelope {
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

/** What a checkout session says of its order: the fields our sessions carry. */
export type SessionOrder = Pick<CheckoutOrder, 'orderId' | 'userId' | 'currency' | 'totalCents'>;

/**
 * How a simulated session ended: `paid` (completed, or an async payment that succeeded), `unpaid`
 * (an async payment that failed), `expired` (abandoned: no payment intent was ever made).
 */
export type SimulatedSessionOutcome = 'paid' | 'unpaid' | 'expired';

/** A `checkout.session` for the order's full total, in session `sessionId`, as Stripe shows it once it ended `outcome`. */
export function simulatedSession(
  order: SessionOrder,
  sessionId: string,
  publicBaseUrl: string,
  now: Date,
  outcome: SimulatedSessionOutcome = 'paid',
): Readonly<Record<string, unknown>> {
  return {
    id: sessionId,
    object: 'checkout.session',
    mode: 'payment',
    status: outcome === 'expired' ? 'expired' : 'complete',
    payment_status: outcome === 'paid' ? 'paid' : 'unpaid',
    amount_subtotal: order.totalCents,
    amount_total: order.totalCents,
    currency: order.currency,
    client_reference_id: order.orderId,
    metadata: { orderId: order.orderId, userId: order.userId },
    payment_intent: outcome === 'expired' ? null : simulatedPaymentIntentId(order.orderId),
    success_url: successUrl(publicBaseUrl, order.orderId),
    cancel_url: cancelUrl(publicBaseUrl, order.orderId),
    livemode: false,
    url: null,
    created: Math.floor(now.getTime() / 1000),
  };
}

/** `checkout.session.completed` for a simulated card payment of the order's full total, in session `sessionId`. */
export function simulatedCheckoutCompleted(
  order: SessionOrder,
  sessionId: string,
  publicBaseUrl: string,
  now: Date,
): StripeEventEnvelope {
  return eventEnvelope(
    `evt_sim_completed_${compact(order.orderId)}`,
    'checkout.session.completed',
    simulatedSession(order, sessionId, publicBaseUrl, now),
    now,
  );
}

export interface SimulatedRefund {
  readonly orderId: string;
  readonly userId: string;
  readonly paymentIntentId: string;
  readonly amountCents: number;
  readonly currency: string;
}

/**
 * `charge.refunded` for a simulated payment of `amountCents`: a full refund unless
 * `amountRefundedCents` (the charge's refunded total so far, as Stripe reports it) says less.
 * `eventId`: a new event rather than the refund's one, as `stripe trigger` sends.
 */
export function simulatedChargeRefunded(
  refund: SimulatedRefund,
  now: Date,
  options: { readonly eventId?: string; readonly amountRefundedCents?: number } = {},
): StripeEventEnvelope {
  const refundedCents = options.amountRefundedCents ?? refund.amountCents;
  const charge = {
    id: simulatedChargeId(refund.orderId),
    object: 'charge',
    amount: refund.amountCents,
    amount_captured: refund.amountCents,
    amount_refunded: refundedCents,
    captured: true,
    currency: refund.currency,
    metadata: { orderId: refund.orderId, userId: refund.userId },
    paid: true,
    payment_intent: refund.paymentIntentId,
    refunded: refundedCents >= refund.amountCents,
    status: 'succeeded',
    livemode: false,
    created: Math.floor(now.getTime() / 1000),
  };
  return eventEnvelope(
    options.eventId ?? `evt_sim_refunded_${compact(refund.orderId)}`,
    'charge.refunded',
    charge,
    now,
  );
}

/** `refund.failed` for the simulated refund of the order (the id the gateway answered), as when the card was closed meanwhile. */
export function simulatedRefundFailed(refund: SimulatedRefund, now: Date, eventId: string): StripeEventEnvelope {
  const object = {
    id: simulatedRefundId(refund.orderId),
    object: 'refund',
    amount: refund.amountCents,
    charge: simulatedChargeId(refund.orderId),
    currency: refund.currency,
    // Our refund requests set the order in the refund's metadata (see the refund reactor).
    metadata: { orderId: refund.orderId, userId: refund.userId },
    payment_intent: refund.paymentIntentId,
    reason: 'requested_by_customer',
    status: 'failed',
    failure_reason: 'expired_or_canceled_card',
    created: Math.floor(now.getTime() / 1000),
  };
  return eventEnvelope(eventId, 'refund.failed', object, now);
}

/** How long Stripe gives to answer a dispute with evidence, about. */
const EVIDENCE_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * `charge.dispute.created` (status `needs_response`), `charge.dispute.updated` (`under_review`: the
 * evidence was sent) or `charge.dispute.closed` (`won` or `lost`)
 * for the simulated payment of the order. A dispute carries none of our metadata, as with real
 * Stripe: the webhook finds the order by its payment intent.
 */
export function simulatedDispute(
  refund: SimulatedRefund,
  phase: 'created' | 'updated' | 'closed',
  status: 'needs_response' | 'under_review' | 'won' | 'lost',
  now: Date,
  eventId: string,
): StripeEventEnvelope {
  const object = {
    id: `dp_sim_${compact(refund.orderId)}`,
    object: 'dispute',
    amount: refund.amountCents,
    charge: simulatedChargeId(refund.orderId),
    currency: refund.currency,
    evidence_details: {
      due_by: Math.floor((now.getTime() + EVIDENCE_WINDOW_MS) / 1000),
      has_evidence: status !== 'needs_response',
      past_due: false,
      submission_count: status === 'needs_response' ? 0 : 1,
    },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: refund.paymentIntentId,
    reason: 'fraudulent',
    status,
    created: Math.floor(now.getTime() / 1000),
  };
  return eventEnvelope(eventId, `charge.dispute.${phase}`, object, now);
}

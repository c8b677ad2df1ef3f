import { isUuid } from '../domain/ids.ts';
import type Stripe from 'stripe';

/**
 * What a verified Stripe event means for an order, before any order is loaded. Pure: the webhook
 * handler turns a signal into a command; the tests feed it Stripe's own fixture objects.
 */
export type StripeSignal =
  | {
      /** `checkout.session.completed` or `checkout.session.async_payment_succeeded`. */
      readonly kind: 'session_completed';
      readonly orderId: string;
      readonly sessionId: string;
      /** Re-checked on every event: only `paid` moves money; `unpaid` waits for the async outcome. */
      readonly paid: boolean;
      readonly paymentIntentId: string | null;
      readonly amountCents: number | null;
      readonly currency: string | null;
    }
  | { readonly kind: 'payment_failed'; readonly orderId: string; readonly sessionId: string }
  | { readonly kind: 'session_expired'; readonly orderId: string; readonly sessionId: string }
  | {
      readonly kind: 'charge_refunded';
      /** From the charge's metadata (set through `payment_intent_data`); null: look it up by payment intent. */
      readonly orderId: string | null;
      readonly chargeId: string;
      readonly paymentIntentId: string | null;
      readonly amountRefundedCents: number;
      readonly currency: string;
    }
  | {
      /** `refund.failed`, or `refund.updated` / `charge.refund.updated` with status `failed`. */
      readonly kind: 'refund_failed';
      /** From the refund's metadata (our refund requests set it); null: look it up by payment intent. */
      readonly orderId: string | null;
      readonly refundId: string;
      readonly paymentIntentId: string | null;
      readonly amountCents: number;
      readonly currency: string;
      readonly reason: string | null;
    }
  | {
      /** `charge.dispute.created` (opened), `.updated` or `.closed`. */
      readonly kind: 'dispute';
      readonly phase: 'opened' | 'updated' | 'closed';
      /** Disputes carry no metadata of ours as a rule: usually looked up by payment intent. */
      readonly orderId: string | null;
      readonly disputeId: string;
      readonly paymentIntentId: string | null;
      readonly amountCents: number;
      readonly currency: string;
      readonly reason: string | null;
      readonly status: string;
      readonly evidenceDueBy: Date | null;
    }
  | { readonly kind: 'ignored'; readonly reason: string };

export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'refund.failed',
  'refund.updated',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
] as const;

const DISPUTE_PHASES = {
  'charge.dispute.created': 'opened',
  'charge.dispute.updated': 'updated',
  'charge.dispute.closed': 'closed',
} as const;

export function signalOf(event: Stripe.Event): StripeSignal {
  // if-chains rather than a switch: the SDK's event union has hundreds of members we ignore.
  if (event.type === 'checkout.session.completed' || event.type === 'checkout.session.async_payment_succeeded') {
    return withSessionOrder(event.data.object, (orderId, session) => ({
      kind: 'session_completed',
      orderId,
      sessionId: session.id,
      paid: session.payment_status === 'paid',
      paymentIntentId: idOf(session.payment_intent),
      amountCents: session.amount_total,
      currency: session.currency,
    }));
  }
  if (event.type === 'checkout.session.async_payment_failed') {
    return withSessionOrder(event.data.object, (orderId, session) => ({
      kind: 'payment_failed',
      orderId,
      sessionId: session.id,
    }));
  }
  if (event.type === 'checkout.session.expired') {
    return withSessionOrder(event.data.object, (orderId, session) => ({
      kind: 'session_expired',
      orderId,
      sessionId: session.id,
    }));
  }
  if (event.type === 'charge.refunded') {
    const charge = event.data.object;
    return {
      kind: 'charge_refunded',
      orderId: uuidOrNull(charge.metadata?.orderId),
      chargeId: charge.id,
      paymentIntentId: idOf(charge.payment_intent),
      amountRefundedCents: charge.amount_refunded,
      currency: charge.currency,
    };
  }
  if (event.type === 'refund.failed' || event.type === 'refund.updated' || event.type === 'charge.refund.updated') {
    const refund = event.data.object;
    // A succeeded refund is reported by charge.refunded (with the charge's total); only a failure adds a fact.
    if (refund.status !== 'failed')
      return {
        kind: 'ignored',
        reason: `refund ${refund.id} is ${refund.status ?? 'without a status'}: only a failed refund changes the order`,
      };
    return {
      kind: 'refund_failed',
      orderId: uuidOrNull(refund.metadata?.orderId),
      refundId: refund.id,
      paymentIntentId: idOf(refund.payment_intent),
      amountCents: refund.amount,
      currency: refund.currency,
      reason: refund.failure_reason ?? null,
    };
  }
  if (
    event.type === 'charge.dispute.created' ||
    event.type === 'charge.dispute.updated' ||
    event.type === 'charge.dispute.closed'
  ) {
    const dispute = event.data.object;
    const dueBy = dispute.evidence_details?.due_by;
    return {
      kind: 'dispute',
      phase: DISPUTE_PHASES[event.type],
      orderId: uuidOrNull(dispute.metadata?.orderId),
      disputeId: dispute.id,
      paymentIntentId: idOf(dispute.payment_intent),
      amountCents: dispute.amount,
      currency: dispute.currency,
      reason: dispute.reason ?? null,
      status: dispute.status,
      evidenceDueBy: typeof dueBy === 'number' && Number.isFinite(dueBy) ? new Date(dueBy * 1000) : null,
    };
  }
  return { kind: 'ignored', reason: `event type ${event.type} is not handled` };
}

/** Our sessions name the order in `metadata.orderId` and `client_reference_id`; others are not ours. */
function withSessionOrder(
  session: Stripe.Checkout.Session,
  signal: (orderId: string, session: Stripe.Checkout.Session) => StripeSignal,
): StripeSignal {
  const orderId = uuidOrNull(session.metadata?.orderId) ?? uuidOrNull(session.client_reference_id);
  if (!orderId)
    return {
      kind: 'ignored',
      reason: `checkout session ${session.id} names no order (no metadata.orderId or client_reference_id)`,
    };
  return signal(orderId, session);
}

const uuidOrNull = (value: string | null | undefined): string | null =>
  value && isUuid(value) ? value.toLowerCase() : null;
const idOf = (value: string | { readonly id: string } | null): string | null =>
  typeof value === 'string' ? value : (value?.id ?? null);

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
  | { readonly kind: 'ignored'; readonly reason: string };

export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
] as const;


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
    return withSessionOrder(event.data.object, (orderId, session) => ({ kind: 'payment_failed', orderId, sessionId: session.id }));
  }
  if (event.type === 'checkout.session.expired') {
    return withSessionOrder(event.data.object, (orderId, session) => ({ kind: 'session_expired', orderId, sessionId: session.id }));
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
  return { kind: 'ignored', reason: `event type ${event.type} is not handled` };
}

/** Our sessions name the order in `metadata.orderId` and `client_reference_id`; others are not ours. */
function withSessionOrder(session: Stripe.Checkout.Session, signal: (orderId: string, session: Stripe.Checkout.Session) => StripeSignal): StripeSignal {
  const orderId = uuidOrNull(session.metadata?.orderId) ?? uuidOrNull(session.client_reference_id);
  if (!orderId) return { kind: 'ignored', reason: `checkout session ${session.id} names no order (no metadata.orderId or client_reference_id)` };
  return signal(orderId, session);
}

const uuidOrNull = (value: string | null | undefined): string | null => (value && isUuid(value) ? value.toLowerCase() : null);
const idOf = (value: string | { readonly id: string } | null): string | null => (typeof value === 'string' ? value : (value?.id ?? null));

import { readFileSync } from 'node:fs';
import Stripe from 'stripe';

/** Stripe's published fixture objects (see fixtures/README.md), typed as the SDK types them, deep-copied per use. */
const load = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
const fixtures = {
  session: load<Stripe.Checkout.Session>('checkout.session'),
  event: load<Stripe.Event>('event'),
  charge: load<Stripe.Charge>('charge'),
  refund: load<Stripe.Refund>('refund'),
};
const copy = <T>(value: T): T => structuredClone(value);

export const sessionFixture = (): Stripe.Checkout.Session => copy(fixtures.session);
export const chargeFixture = (): Stripe.Charge => copy(fixtures.charge);
export const refundFixture = (): Stripe.Refund => copy(fixtures.refund);

let counter = 0;
/** A fresh Stripe-looking event id per call, so tests never share inbox streams. */
export const newEventId = (): string =>
  `evt_test_${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** Stripe's event envelope around `object`, with the given type and a fresh id. */
export function stripeEvent(
  type: string,
  object: object,
  overrides: Partial<Record<keyof Stripe.Event, unknown>> = {},
): Stripe.Event {
  return { ...copy(fixtures.event), id: newEventId(), type, data: { object }, ...overrides } as unknown as Stripe.Event;
}

export interface SessionFields {
  readonly orderId: string;
  readonly userId?: string;
  readonly amountTotal?: number | null;
  readonly currency?: string;
  readonly paymentStatus?: Stripe.Checkout.Session.PaymentStatus;
  readonly status?: Stripe.Checkout.Session.Status;
  readonly sessionId?: string;
  readonly paymentIntent?: string | null;
}

/** The fixture session with our order's fields, as Stripe sends it in `checkout.session.*` events. */
export function checkoutSession(fields: SessionFields): Stripe.Checkout.Session {
  const session = sessionFixture();
  session.id = fields.sessionId ?? session.id;
  session.metadata = { orderId: fields.orderId, userId: fields.userId ?? '00000000-0000-4000-8000-000000000000' };
  session.client_reference_id = fields.orderId;
  session.amount_total = fields.amountTotal ?? null;
  session.amount_subtotal = fields.amountTotal ?? null;
  session.currency = fields.currency ?? 'usd';
  session.payment_status = fields.paymentStatus ?? 'paid';
  session.status = fields.status ?? 'complete';
  if (fields.paymentIntent !== undefined) session.payment_intent = fields.paymentIntent;
  return session;
}

export interface ChargeFields {
  readonly orderId?: string;
  readonly paymentIntent: string;
  readonly amount: number;
  readonly amountRefunded: number;
  readonly currency?: string;
}

export function refundedCharge(fields: ChargeFields): Stripe.Charge {
  const charge = chargeFixture();
  charge.id = `ch_test_${Math.random().toString(36).slice(2, 12)}`;
  charge.amount = fields.amount;
  charge.amount_captured = fields.amount;
  charge.captured = true;
  charge.amount_refunded = fields.amountRefunded;
  charge.refunded = fields.amountRefunded >= fields.amount;
  charge.currency = fields.currency ?? 'usd';
  charge.payment_intent = fields.paymentIntent;
  charge.metadata = fields.orderId ? { orderId: fields.orderId } : {};
  return charge;
}

/** A `Stripe-Signature` header as Stripe computes it (the SDK's own helper). */
export function signatureFor(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

export interface RefundFields {
  readonly orderId?: string;
  readonly paymentIntent: string;
  readonly amount: number;
  readonly status: string;
  readonly failureReason?: string;
}

/** The fixture refund with our fields, as Stripe sends it in `refund.*` events (our requests set `metadata.orderId`). */
export function refundObject(fields: RefundFields): Stripe.Refund {
  const refund = refundFixture();
  refund.id = `re_test_${Math.random().toString(36).slice(2, 12)}`;
  refund.amount = fields.amount;
  refund.payment_intent = fields.paymentIntent;
  refund.status = fields.status;
  refund.metadata = fields.orderId ? { orderId: fields.orderId } : {};
  if (fields.failureReason !== undefined) refund.failure_reason = fields.failureReason;
  return refund;
}

export interface DisputeFields {
  readonly paymentIntent: string;
  readonly amount: number;
  readonly status: Stripe.Dispute.Status;
  /** Unix seconds, as Stripe sends `evidence_details.due_by`. */
  readonly dueBy: number | null;
  readonly id?: string;
}

/**
 * A `dispute` as Stripe sends it in `charge.dispute.*` events. Stripe's fixtures we copied have
 * no dispute, so it is built on the fixture charge it disputes (id, currency, livemode, created)
 * with the dispute's own fields named and typed as the SDK's `Stripe.Dispute`.
 */
export function disputeObject(fields: DisputeFields): Stripe.Dispute {
  const charge = chargeFixture();
  const dispute = {
    id: fields.id ?? `dp_test_${Math.random().toString(36).slice(2, 12)}`,
    object: 'dispute',
    amount: fields.amount,
    balance_transactions: [],
    charge: charge.id,
    created: charge.created,
    currency: charge.currency,
    evidence: {},
    evidence_details: { due_by: fields.dueBy, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    livemode: charge.livemode,
    metadata: {},
    payment_intent: fields.paymentIntent,
    reason: 'fraudulent',
    status: fields.status,
  };
  return dispute as unknown as Stripe.Dispute;
}

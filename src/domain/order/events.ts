/**
 * The facts of an order's life, stored in stream `order-<uuid>`. Past tense; each carries who
 * did it (`actor`) and when (`at`, ISO-8601), and the idempotency key of the command that caused
 * it, if any. Once written, an event's shape never changes: add new event types instead.
 */

export type ActorType = 'customer' | 'operator' | 'stripe' | 'system';
export interface Actor {
  readonly type: ActorType;
  readonly id: string;
}

export type OrderState = 'draft' | 'submitted' | 'approved' | 'in_production' | 'fulfilled' | 'canceled';
export type Priority = 'rush' | 'standard' | 'hold';
export type Technique = 'dtg' | 'screen' | 'embroidery';

export interface EventBase {
  readonly orderId: string;
  readonly actor: Actor;
  /** ISO-8601 instant the change happened (from the command's clock). */
  readonly at: string;
  readonly idempotencyKey?: string;
}

/** The garment as it was when the order was placed; the price is kept so totals never move. */
export interface GarmentSnapshot {
  readonly id: string;
  readonly title: string;
  readonly priceCents: number;
  readonly sizes: readonly string[];
  readonly imageUrl: string | null;
}

export interface OrderLineItem {
  readonly id: string;
  readonly size: string;
  readonly quantity: number;
  readonly technique: Technique;
  readonly unitPriceCents: number;
}

export interface OrderCreated extends EventBase {
  readonly type: 'OrderCreated';
  readonly reference: string;
  readonly userId: string;
  readonly projectId: string | null;
  readonly garment: GarmentSnapshot;
  readonly designUrl: string;
  readonly prompt: string | null;
  readonly notes: string | null;
  readonly priority: Priority;
  /** Reason given when created on hold. */
  readonly holdReason: string | null;
  readonly lineItems: readonly OrderLineItem[];
  readonly totalCents: number;
  readonly currency: 'usd';
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A Stripe Checkout session (real or simulated) was opened for the order. */
export interface CheckoutSessionOpened extends EventBase {
  readonly type: 'CheckoutSessionOpened';
  readonly sessionId: string;
  readonly checkoutUrl: string;
  readonly simulated: boolean;
}

/** Paid in full: draft → submitted. The ETA clock starts at `at`. */
export interface PaymentConfirmed extends EventBase {
  readonly type: 'PaymentConfirmed';
  readonly sessionId: string;
  readonly paymentIntentId: string | null;
  readonly amountCents: number;
  readonly currency: string;
  readonly stripeEventId: string | null;
}

/** An asynchronous payment failed; the order stays draft. */
export interface PaymentFailed extends EventBase {
  readonly type: 'PaymentFailed';
  readonly sessionId: string;
  readonly reason: string;
  readonly stripeEventId: string | null;
}

/** Money arrived that does not equal the order total; the order is not submitted, operators look. */
export interface PaymentMismatchFlagged extends EventBase {
  readonly type: 'PaymentMismatchFlagged';
  readonly sessionId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly expectedAmountCents: number;
  readonly expectedCurrency: string;
  readonly stripeEventId: string | null;
}

/** submitted → approved (operator). */
export interface SpecApproved extends EventBase {
  readonly type: 'SpecApproved';
  readonly message: string | null;
}

/** approved → in_production (operator). */
export interface ProductionStarted extends EventBase {
  readonly type: 'ProductionStarted';
  readonly message: string | null;
}

/** in_production → fulfilled (operator). The ETA clock stops. */
export interface OrderFulfilled extends EventBase {
  readonly type: 'OrderFulfilled';
  readonly message: string | null;
  readonly trackingNumber: string | null;
  readonly trackingUrl: string | null;
  readonly carrier: string | null;
}

export interface OrderCanceled extends EventBase {
  readonly type: 'OrderCanceled';
  readonly reason: string | null;
  /** The order was paid, so a refund is owed and will be requested from Stripe. */
  readonly refundDue: boolean;
}

/** Priority changed (operator). `hold` pauses the ETA clock; leaving hold resumes it. */
export interface PriorityChanged extends EventBase {
  readonly type: 'PriorityChanged';
  readonly from: Priority;
  readonly to: Priority;
  readonly reason: string | null;
}

export interface NotesUpdated extends EventBase {
  readonly type: 'NotesUpdated';
  readonly notes: string;
}

export interface MessagePosted extends EventBase {
  readonly type: 'MessagePosted';
  readonly message: string;
}

/** Stripe reported money returned for the order's charge. */
export interface RefundRecorded extends EventBase {
  readonly type: 'RefundRecorded';
  readonly chargeId: string;
  readonly amountRefundedCents: number;
  readonly currency: string;
  readonly stripeEventId: string | null;
}

/**
 * Stripe reported more refunded on the order's charge than was paid. The excess is not money
 * returned (`RefundRecorded` never goes above the payment): operators look at it in Stripe.
 */
export interface RefundExcessFlagged extends EventBase {
  readonly type: 'RefundExcessFlagged';
  readonly chargeId: string;
  /** The charge's refunded running total as Stripe reported it. */
  readonly reportedRefundedCents: number;
  readonly paidCents: number;
  readonly currency: string;
  readonly stripeEventId: string | null;
}

/** A refund failed (Stripe's `refund.failed`, or a refund updated to `failed`): that money was not returned. */
export interface RefundFailed extends EventBase {
  readonly type: 'RefundFailed';
  readonly refundId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** Stripe's `failure_reason`, e.g. `expired_or_canceled_card`; null when it gave none. */
  readonly reason: string | null;
  readonly stripeEventId: string | null;
}

/** The cardholder disputed the payment (`charge.dispute.created`); operators answer by `evidenceDueBy`. */
export interface DisputeOpened extends EventBase {
  readonly type: 'DisputeOpened';
  readonly disputeId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** Stripe's dispute reason, e.g. `fraudulent`. */
  readonly reason: string | null;
  /** Stripe's dispute status, e.g. `needs_response`. */
  readonly status: string;
  /** ISO-8601 evidence deadline (`evidence_details.due_by`); null when Stripe gave none. */
  readonly evidenceDueBy: string | null;
  readonly stripeEventId: string | null;
}

/** The dispute ended (`charge.dispute.closed`) with its final status (`won`, `lost`, …). */
export interface DisputeClosed extends EventBase {
  readonly type: 'DisputeClosed';
  readonly disputeId: string;
  readonly status: string;
  readonly stripeEventId: string | null;
}

/**
 * A public tracking link (`$PUBLIC_BASE_URL/track/<token>`) was issued: anyone holding the token
 * may follow the order's progress, nothing else. The token is random, made outside the domain.
 */
export interface TrackingLinkIssued extends EventBase {
  readonly type: 'TrackingLinkIssued';
  readonly token: string;
}

/** The public tracking link with this token stopped working (a replacement is issued with it). */
export interface TrackingLinkRevoked extends EventBase {
  readonly type: 'TrackingLinkRevoked';
  readonly token: string;
}

export type OrderEvent =
  | OrderCreated
  | CheckoutSessionOpened
  | PaymentConfirmed
  | PaymentFailed
  | PaymentMismatchFlagged
  | SpecApproved
  | ProductionStarted
  | OrderFulfilled
  | OrderCanceled
  | PriorityChanged
  | NotesUpdated
  | MessagePosted
  | RefundRecorded
  | RefundExcessFlagged
  | RefundFailed
  | DisputeOpened
  | DisputeClosed
  | TrackingLinkIssued
  | TrackingLinkRevoked;

export type OrderEventType = OrderEvent['type'];

export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'OrderCreated',
  'CheckoutSessionOpened',
  'PaymentConfirmed',
  'PaymentFailed',
  'PaymentMismatchFlagged',
  'SpecApproved',
  'ProductionStarted',
  'OrderFulfilled',
  'OrderCanceled',
  'PriorityChanged',
  'NotesUpdated',
  'MessagePosted',
  'RefundRecorded',
  'RefundExcessFlagged',
  'RefundFailed',
  'DisputeOpened',
  'DisputeClosed',
  'TrackingLinkIssued',
  'TrackingLinkRevoked',
];

/** The one place stream names are made: `order-<uuid>` (message-db's category-id form). */
export const orderStreamId = (orderId: string): string => `order-${orderId}`;
export const ORDER_CATEGORY = 'order';

import type { Actor, GarmentSnapshot } from './events.ts';

/**
 * What someone asks of an order. Everything the decision needs comes in here, so `decide` stays
 * pure: the clock (`now`), ids, the reference and the garment's price snapshot. Input fields the
 * outside sends are typed loosely (`string`, `number`) on purpose: the domain checks them and
 * lists every problem at once, so adapters only need to parse the JSON shape.
 * Expected versions are not here: the command handler checks them against the stream.
 */
export interface CommandBase {
  readonly orderId: string;
  readonly actor: Actor;
  readonly now: Date;
  /** Repeating a command with a key already applied to this order yields no events. */
  readonly idempotencyKey?: string;
}

export interface SizeRequest {
  readonly size: string;
  readonly quantity: number;
  /** `dtg` (default), `screen` or `embroidery`. */
  readonly technique?: string;
}

export interface CreateOrder extends CommandBase {
  readonly type: 'CreateOrder';
  /** Allocated by the caller (`PO-000123`), fixed for ever in the first event. */
  readonly reference: string;
  readonly garmentId: string;
  /** The catalog entry for `garmentId` as it is now; undefined when the catalog has none. */
  readonly garment: GarmentSnapshot | undefined;
  readonly designUrl: string;
  readonly sizes: readonly SizeRequest[];
  /** One fresh id per entry of `sizes`, in the same order. */
  readonly lineItemIds: readonly string[];
  readonly priority?: string;
  readonly holdReason?: string | null;
  readonly notes?: string | null;
  readonly prompt?: string | null;
  readonly projectId?: string | null;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface OpenCheckoutSession extends CommandBase {
  readonly type: 'OpenCheckoutSession';
  readonly sessionId: string;
  readonly checkoutUrl: string;
  readonly simulated: boolean;
}

/**
 * Stripe says the session is paid. Submits the order when amount and currency equal its total;
 * otherwise records `PaymentMismatchFlagged` and leaves the order as it is.
 */
export interface ConfirmPayment extends CommandBase {
  readonly type: 'ConfirmPayment';
  readonly sessionId: string;
  readonly paymentIntentId: string | null;
  readonly amountCents: number;
  readonly currency: string;
  readonly stripeEventId: string | null;
}

export interface FailPayment extends CommandBase {
  readonly type: 'FailPayment';
  readonly sessionId: string;
  readonly reason: string;
  readonly stripeEventId: string | null;
}

/**
 * An operator moves the order to `to`. `approved`, `in_production` and `fulfilled` are the
 * production steps; `canceled` is a cancel with `message` as its reason; `submitted` and
 * `draft` are always refused (payment is the only way to `submitted`; nothing goes back).
 */
export interface SetOrderStatus extends CommandBase {
  readonly type: 'SetOrderStatus';
  readonly to: string;
  readonly message?: string | null;
  readonly trackingNumber?: string | null;
  readonly trackingUrl?: string | null;
  readonly carrier?: string | null;
}

/** Customer (owner), operator (reason required) or Stripe (checkout expired, draft only). */
export interface CancelOrder extends CommandBase {
  readonly type: 'CancelOrder';
  readonly reason?: string | null;
}

export interface SetPriority extends CommandBase {
  readonly type: 'SetPriority';
  readonly priority: string;
  /** Required when setting `hold`. */
  readonly reason?: string | null;
}

export interface UpdateNotes extends CommandBase {
  readonly type: 'UpdateNotes';
  /** The whole new text; empty clears the notes. */
  readonly notes: string;
}

export interface PostMessage extends CommandBase {
  readonly type: 'PostMessage';
  readonly message: string;
}

/**
 * Stripe reports refunds on the order's charge; `amountRefundedCents` is the charge's running
 * total. Recorded up to the amount paid; above it, the excess is flagged for operators.
 */
export interface RecordRefund extends CommandBase {
  readonly type: 'RecordRefund';
  readonly chargeId: string;
  /** The charge's payment intent: it must be the one that paid the order. */
  readonly paymentIntentId: string | null;
  readonly amountRefundedCents: number;
  readonly currency: string;
  readonly stripeEventId: string | null;
}

/** Stripe reports a refund of the order's payment failed (`refund.failed`, or `refund.updated` to failed). */
export interface RecordRefundFailure extends CommandBase {
  readonly type: 'RecordRefundFailure';
  readonly refundId: string;
  /** The refund's payment intent: it must be the one that paid the order. */
  readonly paymentIntentId: string | null;
  readonly amountCents: number;
  readonly currency: string;
  readonly reason: string | null;
  readonly stripeEventId: string | null;
}

/** Stripe reports a dispute on the order's payment opened (`charge.dispute.created`) or closed. */
export interface RecordDispute extends CommandBase {
  readonly type: 'RecordDispute';
  readonly phase: 'opened' | 'closed';
  readonly disputeId: string;
  /** The disputed payment intent: it must be the one that paid the order. */
  readonly paymentIntentId: string | null;
  readonly amountCents: number;
  readonly currency: string;
  readonly reason: string | null;
  readonly status: string;
  /** The evidence deadline, when Stripe gives one. */
  readonly evidenceDueBy: Date | null;
  readonly stripeEventId: string | null;
}

/** The owner or an operator asks for a public tracking link; nothing to do when one is active. */
export interface IssueTrackingLink extends CommandBase {
  readonly type: 'IssueTrackingLink';
  /** A fresh random token (made by the caller, as ids are), used only if none is active. */
  readonly token: string;
}

/** An operator revokes the active tracking link and issues `token` in its place, in one append. */
export interface RevokeTrackingLink extends CommandBase {
  readonly type: 'RevokeTrackingLink';
  /** The replacement's fresh random token. */
  readonly token: string;
}

export type OrderCommand =
  | CreateOrder
  | OpenCheckoutSession
  | ConfirmPayment
  | FailPayment
  | SetOrderStatus
  | CancelOrder
  | SetPriority
  | UpdateNotes
  | PostMessage
  | RecordRefund
  | RecordRefundFailure
  | RecordDispute
  | IssueTrackingLink
  | RevokeTrackingLink;

export type OrderCommandType = OrderCommand['type'];

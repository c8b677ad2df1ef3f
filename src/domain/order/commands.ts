import type { Actor, EventFields, GarmentSnapshot } from './events.ts';

/**
 * What someone asks of an order. Everything the decision needs comes in here, so `decide` stays
 * pure: the clock (`now`), ids, the reference and the garment's price snapshot. Input fields the
 * outside sends are typed loosely (`string`, `number`) on purpose: the domain checks them and
 * lists every problem at once, so adapters only need to parse the JSON shape.
 * Expected versions are not here: the command handler checks them against the stream.
 * Where a command carries what its event will record, its fields are the event's own
 * (`EventFields<…>`, from the event's schema), so the two cannot drift apart.
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

/**
 * `reference` (allocated by the caller, `PO-000123`, fixed for ever in the first event) and
 * `designUrl` as `OrderCreated` records them; the optional texts, `projectId` and `metadata`
 * likewise, absent meaning none. Sizes and priority are asked loosely and checked by `decide`.
 * The fields a client sends are also the create body's (`src/application/orders/inputs.ts`, which
 * fails typecheck when the two disagree): a new one is added to both.
 */
export interface CreateOrder
  extends
    CommandBase,
    Pick<EventFields<'OrderCreated'>, 'reference' | 'designUrl'>,
    Partial<Pick<EventFields<'OrderCreated'>, 'holdReason' | 'notes' | 'prompt' | 'projectId' | 'metadata'>> {
  readonly type: 'CreateOrder';
  readonly garmentId: string;
  /** The catalog entry for `garmentId` as it is now; undefined when the catalog has none. */
  readonly garment: GarmentSnapshot | undefined;
  readonly sizes: readonly SizeRequest[];
  /** One fresh id per entry of `sizes`, in the same order. */
  readonly lineItemIds: readonly string[];
  readonly priority?: string;
}

export interface OpenCheckoutSession extends CommandBase, EventFields<'CheckoutSessionOpened'> {
  readonly type: 'OpenCheckoutSession';
}

/**
 * Stripe says the session is paid. Submits the order when amount and currency equal its total;
 * otherwise records `PaymentMismatchFlagged` and leaves the order as it is.
 */
export interface ConfirmPayment extends CommandBase, EventFields<'PaymentConfirmed'> {
  readonly type: 'ConfirmPayment';
}

export interface FailPayment extends CommandBase, EventFields<'PaymentFailed'> {
  readonly type: 'FailPayment';
}

/** What an operator may record about the shipment when fulfilling: `OrderFulfilled`'s own fields besides its message. */
export type Shipment = Omit<EventFields<'OrderFulfilled'>, 'message'>;

/**
 * Each shipment field with its input rule (short text, or an http(s) URL), in the event's order:
 * `decideStatus` checks them with it, the REST body's schema and the transports' inputs are made
 * from it, so a new shipment field is its event field and one entry here.
 */
export const SHIPMENT_FIELDS = {
  trackingNumber: 'shortText',
  trackingUrl: 'url',
  carrier: 'shortText',
} as const satisfies Record<keyof Shipment, 'shortText' | 'url'>;

export const SHIPMENT_FIELD_NAMES = Object.keys(SHIPMENT_FIELDS) as (keyof Shipment)[];

/** The shipment fields of an input as a command takes them: each one given, or null. */
export function shipmentOf(input: { readonly [K in keyof Shipment]?: string | null | undefined }): Shipment {
  const shipment: Partial<Record<keyof Shipment, string | null>> = {};
  for (const name of SHIPMENT_FIELD_NAMES) shipment[name] = input[name] ?? null;
  return shipment as Shipment;
}

/**
 * An operator moves the order to `to`. `approved`, `in_production` and `fulfilled` are the
 * production steps; `canceled` is a cancel with `message` as its reason; `submitted` and
 * `draft` are always refused (payment is the only way to `submitted`; nothing goes back).
 * The message and the tracking fields are `OrderFulfilled`'s, each optional.
 */
export interface SetOrderStatus extends CommandBase, Partial<EventFields<'OrderFulfilled'>> {
  readonly type: 'SetOrderStatus';
  readonly to: string;
}

/** Customer (owner), operator (reason required) or Stripe (checkout expired, draft only). */
export interface CancelOrder extends CommandBase, Partial<Pick<EventFields<'OrderCanceled'>, 'reason'>> {
  readonly type: 'CancelOrder';
  /** Stripe's only: the checkout session that expired. One that is not the order's own cancels nothing. */
  readonly sessionId?: string;
}

export interface SetPriority extends CommandBase {
  readonly type: 'SetPriority';
  readonly priority: string;
  /** Required when setting `hold`. */
  readonly reason?: string | null;
}

/** `notes` is the whole new text; empty clears the notes. */
export interface UpdateNotes extends CommandBase, EventFields<'NotesUpdated'> {
  readonly type: 'UpdateNotes';
}

export interface PostMessage extends CommandBase, EventFields<'MessagePosted'> {
  readonly type: 'PostMessage';
}

/**
 * Stripe reports refunds on the order's charge; `amountRefundedCents` is the charge's running
 * total. Recorded up to the amount paid; above it, the excess is flagged for operators.
 */
export interface RecordRefund extends CommandBase, EventFields<'RefundRecorded'> {
  readonly type: 'RecordRefund';
  /** The charge's payment intent: it must be the one that paid the order. */
  readonly paymentIntentId: string | null;
}

/** Stripe reports a refund of the order's payment failed (`refund.failed`, or `refund.updated` to failed). */
export interface RecordRefundFailure extends CommandBase, EventFields<'RefundFailed'> {
  readonly type: 'RecordRefundFailure';
  /** The refund's payment intent: it must be the one that paid the order. */
  readonly paymentIntentId: string | null;
}

/**
 * Stripe reports a dispute on the order's payment opened (`charge.dispute.created`), moved on
 * (`charge.dispute.updated`) or closed:
 * `DisputeOpened`'s fields, the deadline as a `Date`.
 */
export interface RecordDispute extends CommandBase, Omit<EventFields<'DisputeOpened'>, 'evidenceDueBy'> {
  readonly type: 'RecordDispute';
  readonly phase: 'opened' | 'updated' | 'closed';
  /** The disputed payment intent: it must be the one that paid the order. */
  readonly paymentIntentId: string | null;
  /** The evidence deadline, when Stripe gives one. */
  readonly evidenceDueBy: Date | null;
}

/**
 * The owner or an operator asks for a public tracking link; nothing to do when one is active.
 * `token`: a fresh random token (made by the caller, as ids are), used only if none is active.
 */
export interface IssueTrackingLink extends CommandBase, EventFields<'TrackingLinkIssued'> {
  readonly type: 'IssueTrackingLink';
}

/** An operator revokes the active tracking link and issues `token` (a fresh random one) in its place, in one append. */
export interface RevokeTrackingLink extends CommandBase, EventFields<'TrackingLinkIssued'> {
  readonly type: 'RevokeTrackingLink';
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

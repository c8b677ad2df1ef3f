/**
 * The facts of an order's life, stored in stream `order-<uuid>`. Past tense; each carries who
 * did it (`actor`) and when (`at`, ISO-8601), and the idempotency key of the command that caused
 * it, if any. Once written, an event's shape never changes: add new event types instead.
 *
 * Each event is defined once, here, as a zod schema: the TypeScript types are inferred from it
 * and the projection checks stored events against it (`projections/orders/guard.ts`). The
 * schemas are as strict as the read model needs (uuids where its columns are uuid, safe integers
 * for money, instants for times), no stricter, so every event the decider ever wrote passes.
 * Adding an event type: its schema below, one entry in `ORDER_EVENT_SCHEMAS`, then `evolve`,
 * `timelineMessage` and the decision that emits it (their exhaustive switches say where).
 */
import { z } from 'zod';
import { uuidSchema } from '../ids.ts';

export const ActorTypeSchema = z.enum(['customer', 'operator', 'stripe', 'system']);
export type ActorType = z.infer<typeof ActorTypeSchema>;
export const ActorSchema = z.object({ type: ActorTypeSchema, id: z.string() });
export type Actor = z.infer<typeof ActorSchema>;

export const OrderStateSchema = z.enum(['draft', 'submitted', 'approved', 'in_production', 'fulfilled', 'canceled']);
export type OrderState = z.infer<typeof OrderStateSchema>;
export const PrioritySchema = z.enum(['rush', 'standard', 'hold']);
export type Priority = z.infer<typeof PrioritySchema>;
export const TechniqueSchema = z.enum(['dtg', 'screen', 'embroidery']);
export type Technique = z.infer<typeof TechniqueSchema>;

/**
 * An instant: the decider writes `toISOString()`. Read back, any text `Date.parse` reads passes,
 * as it always has; what PostgreSQL's timestamptz then refuses is dead-lettered with its error.
 */
const instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)));
const text = z.string();
const textOrNull = z.string().nullable();
/** Cents, counts: whole numbers a JavaScript number holds exactly (as the bigint columns need). */
const whole = z.int();

/** What every event carries besides its type. */
const eventBase = {
  /** The order's id; the projection also holds it to the stream's. */
  orderId: text,
  actor: ActorSchema,
  /** ISO-8601 instant the change happened (from the command's clock). */
  at: instant,
  idempotencyKey: text.optional(),
};

/** An event's schema: its type tag, the common fields, then its own. */
const event = <T extends string, F extends z.ZodRawShape>(type: T, fields: F) =>
  z.object({ type: z.literal(type), ...eventBase, ...fields });

/** The garment as it was when the order was placed; the price is kept so totals never move. */
export const GarmentSnapshotSchema = z.object({
  id: text,
  title: text,
  priceCents: whole,
  sizes: z.array(text).readonly(),
  imageUrl: textOrNull,
});
export type GarmentSnapshot = z.infer<typeof GarmentSnapshotSchema>;

export const OrderLineItemSchema = z.object({
  id: uuidSchema,
  size: text,
  quantity: whole,
  technique: TechniqueSchema,
  unitPriceCents: whole,
});
export type OrderLineItem = z.infer<typeof OrderLineItemSchema>;

export const OrderCreatedSchema = event('OrderCreated', {
  reference: text,
  userId: uuidSchema,
  projectId: uuidSchema.nullable(),
  garment: GarmentSnapshotSchema,
  designUrl: text,
  prompt: textOrNull,
  notes: textOrNull,
  priority: PrioritySchema,
  /** Reason given when created on hold. */
  holdReason: textOrNull,
  lineItems: z.array(OrderLineItemSchema).readonly(),
  totalCents: whole,
  currency: z.literal('usd'),
  metadata: z.record(z.string(), z.unknown()),
});

/** A Stripe Checkout session (real or simulated) was opened for the order. */
export const CheckoutSessionOpenedSchema = event('CheckoutSessionOpened', {
  sessionId: text,
  checkoutUrl: text,
  simulated: z.boolean(),
});

/** Paid in full: draft → submitted. The ETA clock starts at `at`. */
export const PaymentConfirmedSchema = event('PaymentConfirmed', {
  sessionId: text,
  paymentIntentId: textOrNull,
  amountCents: whole,
  currency: text,
  stripeEventId: textOrNull,
});

/** An asynchronous payment failed; the order stays draft. */
export const PaymentFailedSchema = event('PaymentFailed', { sessionId: text, reason: text, stripeEventId: textOrNull });

/** Money arrived that does not equal the order total; the order is not submitted, operators look. */
export const PaymentMismatchFlaggedSchema = event('PaymentMismatchFlagged', {
  sessionId: text,
  amountCents: whole,
  currency: text,
  expectedAmountCents: whole,
  expectedCurrency: text,
  stripeEventId: textOrNull,
});

/** submitted → approved (operator). */
export const SpecApprovedSchema = event('SpecApproved', { message: textOrNull });

/** approved → in_production (operator). */
export const ProductionStartedSchema = event('ProductionStarted', { message: textOrNull });

/** in_production → fulfilled (operator). The ETA clock stops. */
export const OrderFulfilledSchema = event('OrderFulfilled', {
  message: textOrNull,
  trackingNumber: textOrNull,
  trackingUrl: textOrNull,
  carrier: textOrNull,
});

export const OrderCanceledSchema = event('OrderCanceled', {
  reason: textOrNull,
  /** The order was paid, so a refund is owed and will be requested from Stripe. */
  refundDue: z.boolean(),
});

/** Priority changed (operator). `hold` pauses the ETA clock; leaving hold resumes it. */
export const PriorityChangedSchema = event('PriorityChanged', {
  from: PrioritySchema,
  to: PrioritySchema,
  reason: textOrNull,
});

export const NotesUpdatedSchema = event('NotesUpdated', { notes: text });

export const MessagePostedSchema = event('MessagePosted', { message: text });

/** Stripe reported money returned for the order's charge. */
export const RefundRecordedSchema = event('RefundRecorded', {
  chargeId: text,
  amountRefundedCents: whole,
  currency: text,
  stripeEventId: textOrNull,
});

/**
 * Stripe reported more refunded on the order's charge than was paid. The excess is not money
 * returned (`RefundRecorded` never goes above the payment): operators look at it in Stripe.
 */
export const RefundExcessFlaggedSchema = event('RefundExcessFlagged', {
  chargeId: text,
  /** The charge's refunded running total as Stripe reported it. */
  reportedRefundedCents: whole,
  paidCents: whole,
  currency: text,
  stripeEventId: textOrNull,
});

/** A refund failed (Stripe's `refund.failed`, or a refund updated to `failed`): that money was not returned. */
export const RefundFailedSchema = event('RefundFailed', {
  refundId: text,
  amountCents: whole,
  currency: text,
  /** Stripe's `failure_reason`, e.g. `expired_or_canceled_card`; null when it gave none. */
  reason: textOrNull,
  stripeEventId: textOrNull,
});

/** The cardholder disputed the payment (`charge.dispute.created`); operators answer by `evidenceDueBy`. */
export const DisputeOpenedSchema = event('DisputeOpened', {
  disputeId: text,
  amountCents: whole,
  currency: text,
  /** Stripe's dispute reason, e.g. `fraudulent`. */
  reason: textOrNull,
  /** Stripe's dispute status, e.g. `needs_response`. */
  status: text,
  /** ISO-8601 evidence deadline (`evidence_details.due_by`); null when Stripe gave none. */
  evidenceDueBy: instant.nullable(),
  stripeEventId: textOrNull,
});

/**
 * An open dispute moved on (`charge.dispute.updated`): Stripe's status (`needs_response` →
 * `under_review`, …) or its evidence deadline changed.
 */
export const DisputeUpdatedSchema = event('DisputeUpdated', {
  disputeId: text,
  status: text,
  evidenceDueBy: instant.nullable(),
  stripeEventId: textOrNull,
});

/** The dispute ended (`charge.dispute.closed`) with its final status (`won`, `lost`, …). */
export const DisputeClosedSchema = event('DisputeClosed', { disputeId: text, status: text, stripeEventId: textOrNull });

/**
 * A public tracking link (`$PUBLIC_BASE_URL/track/<token>`) was issued: anyone holding the token
 * may follow the order's progress, nothing else. The token is random, made outside the domain.
 */
export const TrackingLinkIssuedSchema = event('TrackingLinkIssued', { token: text });

/** The public tracking link with this token stopped working (a replacement is issued with it). */
export const TrackingLinkRevokedSchema = event('TrackingLinkRevoked', { token: text });

/** Every order event, discriminated on `type`: the one list the union type, `ORDER_EVENT_TYPES` and the projection's check come from. */
export const OrderEventSchema = z.discriminatedUnion('type', [
  OrderCreatedSchema,
  CheckoutSessionOpenedSchema,
  PaymentConfirmedSchema,
  PaymentFailedSchema,
  PaymentMismatchFlaggedSchema,
  SpecApprovedSchema,
  ProductionStartedSchema,
  OrderFulfilledSchema,
  OrderCanceledSchema,
  PriorityChangedSchema,
  NotesUpdatedSchema,
  MessagePostedSchema,
  RefundRecordedSchema,
  RefundExcessFlaggedSchema,
  RefundFailedSchema,
  DisputeOpenedSchema,
  DisputeUpdatedSchema,
  DisputeClosedSchema,
  TrackingLinkIssuedSchema,
  TrackingLinkRevokedSchema,
]);

export type OrderEvent = z.infer<typeof OrderEventSchema>;
export type OrderEventType = OrderEvent['type'];
/** The event of one type: `OrderEventOf<'OrderCreated'>`. */
export type OrderEventOf<T extends OrderEventType> = Extract<OrderEvent, { type: T }>;
/** What an event of this type carries besides what every event has: its own fields. */
export type EventFields<T extends OrderEventType> = Omit<OrderEventOf<T>, 'type' | keyof typeof eventBase>;
export type OrderCreated = OrderEventOf<'OrderCreated'>;
export type OrderCanceled = OrderEventOf<'OrderCanceled'>;

export const ORDER_EVENT_TYPES: readonly OrderEventType[] = OrderEventSchema.options.map(
  (schema) => schema.shape.type.value,
);

/** The one place stream names are made: `order-<uuid>` (message-db's category-id form). */
export const orderStreamId = (orderId: string): string => `order-${orderId}`;
export const ORDER_CATEGORY = 'order';

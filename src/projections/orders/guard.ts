import { isUuid } from '../../domain/ids.ts';
import type { RecordedEvent } from '../../eventstore/eventStore.ts';
import { ORDER_EVENT_TYPES, PRIORITIES, TECHNIQUES, type OrderEvent, type OrderEventType } from '../../domain/order/index.ts';

/** An event the projection cannot apply: odd data, a gap in the stream. Continuous mode dead-letters it. */
export class ProjectionDataError extends Error {
  override readonly name = 'ProjectionDataError';
}

export const ACTOR_TYPES: ReadonlySet<string> = new Set(['customer', 'operator', 'stripe', 'system']);
const KNOWN_TYPES = new Set<string>(ORDER_EVENT_TYPES);

type Check = (value: unknown) => boolean;
const text: Check = (v) => typeof v === 'string';
const textOrNull: Check = (v) => v === null || typeof v === 'string';
const uuid: Check = (v) => typeof v === 'string' && isUuid(v);
const uuidOrNull: Check = (v) => v === null || uuid(v);
const integer: Check = (v) => Number.isSafeInteger(v);
const bool: Check = (v) => typeof v === 'boolean';
const object: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const priority: Check = (v) => PRIORITIES.includes(v as never);
const instant: Check = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const instantOrNull: Check = (v) => v === null || instant(v);
/** A check of an object's fields, each by its own check (the list made once, not per call). */
const shape = (fields: Record<string, Check>): Check => {
  const list = Object.entries(fields);
  return (v) => {
    if (!object(v)) return false;
    const data = v as Record<string, unknown>;
    for (const [name, check] of list) if (!check(data[name])) return false;
    return true;
  };
};
const garment: Check = shape({ id: text, title: text, priceCents: integer, sizes: Array.isArray, imageUrl: textOrNull });
const lineItem = shape({ id: uuid, size: text, quantity: integer, technique: (t) => TECHNIQUES.includes(t as never), unitPriceCents: integer });
const lineItems: Check = (v) => Array.isArray(v) && v.every(lineItem);

/** The fields each event type must carry for the projection to use it (events.ts). */
const FIELDS: Readonly<Record<OrderEventType, Record<string, Check>>> = {
  OrderCreated: { reference: text, userId: uuid, projectId: uuidOrNull, garment, designUrl: text, prompt: textOrNull, notes: textOrNull, priority, holdReason: textOrNull, lineItems, totalCents: integer, currency: text, metadata: object },
  CheckoutSessionOpened: { sessionId: text, checkoutUrl: text, simulated: bool },
  PaymentConfirmed: { sessionId: text, paymentIntentId: textOrNull, amountCents: integer, currency: text },
  PaymentFailed: { sessionId: text, reason: text },
  PaymentMismatchFlagged: { sessionId: text, amountCents: integer, currency: text, expectedAmountCents: integer, expectedCurrency: text },
  SpecApproved: { message: textOrNull },
  ProductionStarted: { message: textOrNull },
  OrderFulfilled: { message: textOrNull, trackingNumber: textOrNull, trackingUrl: textOrNull, carrier: textOrNull },
  OrderCanceled: { reason: textOrNull, refundDue: bool },
  PriorityChanged: { from: priority, to: priority, reason: textOrNull },
  NotesUpdated: { notes: text },
  MessagePosted: { message: text },
  RefundRecorded: { chargeId: text, amountRefundedCents: integer, currency: text },
  RefundExcessFlagged: { chargeId: text, reportedRefundedCents: integer, paidCents: integer, currency: text },
  RefundFailed: { refundId: text, amountCents: integer, currency: text, reason: textOrNull },
  DisputeOpened: { disputeId: text, amountCents: integer, currency: text, reason: textOrNull, status: text, evidenceDueBy: instantOrNull },
  DisputeClosed: { disputeId: text, status: text },
  TrackingLinkIssued: { token: text },
  TrackingLinkRevoked: { token: text },
};

/** The same, as lists: walked for every event of a rebuild. */
const FIELD_LISTS = new Map<string, readonly (readonly [string, Check])[]>(Object.entries(FIELDS).map(([type, fields]) => [type, Object.entries(fields)]));

export const isKnownOrderEvent = (type: string): type is OrderEventType => KNOWN_TYPES.has(type);

/** `order-<uuid>` → the uuid; anything else is not an order stream. */
export function orderIdOfStream(streamId: string): string {
  const id = streamId.startsWith('order-') ? streamId.slice('order-'.length) : '';
  if (!isUuid(id)) throw new ProjectionDataError(`Stream ${streamId} is not an order stream (order-<uuid>)`);
  return id.toLowerCase();
}

/**
 * Checks the fields the projection reads and returns the event typed. Cheap on purpose (a few
 * `typeof` per event): it runs for every event of a rebuild.
 */
export function checkedOrderEvent(event: RecordedEvent, type: OrderEventType, orderId: string): OrderEvent {
  const data = event.data as Record<string, unknown>;
  const problems: string[] = [];
  // The event id is not checked here: the uuid column refuses a bad one (and the slow path blames it).
  if (typeof data.orderId !== 'string' || (data.orderId !== orderId && data.orderId.toLowerCase() !== orderId)) problems.push(`orderId ${String(data.orderId)} is not the stream's order`);
  const actor = data.actor as Record<string, unknown> | undefined;
  if (!object(actor) || !ACTOR_TYPES.has(actor?.type as string) || !text(actor?.id)) problems.push('actor must be { type, id }');
  if (!instant(data.at)) problems.push('at must be an ISO-8601 instant');
  for (const [name, check] of FIELD_LISTS.get(type)!) if (!check(data[name])) problems.push(`${name} is missing or malformed`);
  if (problems.length > 0) throw new ProjectionDataError(`${type} v${event.streamVersion} of ${event.streamId}: ${problems.join('; ')}`);
  return { ...data, type } as unknown as OrderEvent;
}

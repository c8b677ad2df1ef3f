import { z } from 'zod';
import { isUuid } from '../../domain/ids.ts';
import type { RecordedEvent } from '../../eventstore/eventStore.ts';
import {
  ActorTypeSchema,
  ORDER_EVENT_TYPES,
  OrderEventSchema,
  type OrderEvent,
  type OrderEventType,
} from '../../domain/order/index.ts';

/** An event the projection cannot apply: odd data, a gap in the stream. Continuous mode dead-letters it. */
export class ProjectionDataError extends Error {
  override readonly name = 'ProjectionDataError';
}

export const ACTOR_TYPES: ReadonlySet<string> = new Set(ActorTypeSchema.options);
const KNOWN_TYPES = new Set<string>(ORDER_EVENT_TYPES);

/**
 * The domain's event schema, compiled once into one function (zod's `compile`): it runs for
 * every event of a rebuild, and the compiled path costs what the hand-written checks did.
 */
const eventSchema = z.compile(OrderEventSchema);

/**
 * A stored event's checked form, kept on the event object itself (see `checkedStoredOrderEvent`).
 * Not a `WeakMap`: a rebuild checks every event of the store, and a `WeakMap` entry per event
 * cost as much as the check it saved (1.4 µs an event, the orders rebuild's node time up a
 * fifth); a symbol property costs a store of a field. Stored events are never copied and
 * changed, which is what keeps the memo right.
 */
const CHECKED: unique symbol = Symbol('checkedOrderEvent');
type Checked = RecordedEvent & { [CHECKED]?: OrderEvent };

export const isKnownOrderEvent = (type: string): type is OrderEventType => KNOWN_TYPES.has(type);

/** `order-<uuid>` → the uuid; anything else is not an order stream. */
export function orderIdOfStream(streamId: string): string {
  const id = streamId.startsWith('order-') ? streamId.slice('order-'.length) : '';
  if (!isUuid(id)) throw new ProjectionDataError(`Stream ${streamId} is not an order stream (order-<uuid>)`);
  return id.toLowerCase();
}

/** A dead letter's words for what the schema refused, one phrase per field. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const phrases = new Set<string>();
  for (const issue of issues) {
    const [field] = issue.path;
    if (field === 'actor') phrases.add('actor must be { type, id }');
    else if (field === 'at') phrases.add('at must be an ISO-8601 instant');
    else phrases.add(`${issue.path.map(String).join('.') || 'the event'} is missing or malformed`);
  }
  return [...phrases];
}

/**
 * Checks a stored event against its schema and that it names the stream's order, and returns it
 * typed. The event is returned as stored (not zod's copy): fields a later version added reach
 * the timeline's details as before.
 */
export function checkedOrderEvent(event: RecordedEvent, type: OrderEventType, orderId: string): OrderEvent {
  const known = (event as Checked)[CHECKED];
  if (known !== undefined) return known;
  const data = event.data as Record<string, unknown>;
  const candidate = { ...data, type };
  const problems: string[] = [];
  // The event id is not checked here: the uuid column refuses a bad one (and the slow path blames it).
  if (typeof data.orderId !== 'string' || (data.orderId !== orderId && data.orderId.toLowerCase() !== orderId))
    problems.push(`orderId ${String(data.orderId)} is not the stream's order`);
  const checked = eventSchema.safeParse(candidate);
  if (!checked.success)
    problems.push(...describeIssues(checked.error.issues).filter((phrase) => !phrase.startsWith('orderId ')));
  if (problems.length > 0)
    throw new ProjectionDataError(`${type} v${event.streamVersion} of ${event.streamId}: ${problems.join('; ')}`);
  (event as Checked)[CHECKED] = candidate as OrderEvent;
  return candidate as OrderEvent;
}

/**
 * A stored order event checked once for every projection that reads it: the engine hands each
 * projection the same objects, so the second reader of a page (the metrics after the orders)
 * finds the check done. A refused event is not remembered: each reader refuses it in its turn.
 */
export function checkedStoredOrderEvent(event: RecordedEvent): OrderEvent {
  const known = (event as Checked)[CHECKED];
  if (known !== undefined) return known;
  if (!isKnownOrderEvent(event.type)) throw new ProjectionDataError(`Unknown order event type ${event.type}`);
  return checkedOrderEvent(event, event.type, orderIdOfStream(event.streamId));
}

import type { RecordedEvent } from '../../eventstore/eventStore.ts';
import { STATUS_MAP, evolve, timelineMessage, type OrderEvent } from '../../domain/order/index.ts';
import { ProjectionDataError, checkedOrderEvent, isKnownOrderEvent } from './guard.ts';
import { extrasAfter, NO_EXTRAS, type ProjectedOrder } from './records.ts';
import type { LineItemRecord, TimelineRecord } from './tables.ts';

export type { LineItemRecord, TimelineRecord } from './tables.ts';

export type OrderEventOutcome =
  /** The event changed the order: write these. */
  | {
      readonly kind: 'applied';
      readonly order: ProjectedOrder;
      readonly timeline: TimelineRecord;
      readonly lineItems: readonly LineItemRecord[];
    }
  /** Already applied (version at or below the stored one): nothing changes. */
  | { readonly kind: 'replayed' }
  /** A type this code does not know (written by a newer version): only the version moves on. */
  | { readonly kind: 'skipped'; readonly order: ProjectedOrder | undefined };

const BASE_FIELDS = new Set(['type', 'orderId', 'actor', 'at', 'idempotencyKey']);
const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * Applies one event of stream `order-<orderId>` to the order as projected so far (undefined: no
 * row yet). The guard: only version = stored + 1 applies, so a replay is a no-op. Throws
 * {@link ProjectionDataError} for an event it cannot apply (odd data, a gap); the caller decides
 * whether that dead-letters (continuous) or stops (rebuild). Pure: no I/O, no clock.
 */
export function projectOrderEvent(
  current: ProjectedOrder | undefined,
  event: RecordedEvent,
  orderId: string,
): OrderEventOutcome {
  const stored = current?.version ?? 0;
  if (event.streamVersion <= stored) return { kind: 'replayed' };
  if (event.streamVersion !== stored + 1) {
    throw new ProjectionDataError(
      current
        ? `${event.type} v${event.streamVersion} of ${event.streamId} follows v${stored}: the events between were never applied`
        : `${event.type} v${event.streamVersion} of ${event.streamId}: the order has no read-model row (its creation was not applied)`,
    );
  }
  if (!isKnownOrderEvent(event.type)) {
    return {
      kind: 'skipped',
      order: current && { ...current, version: event.streamVersion, position: event.position },
    };
  }
  const typed = checkedOrderEvent(event, event.type, orderId);
  if ((typed.type === 'OrderCreated') !== (current === undefined)) {
    throw new ProjectionDataError(
      `${event.type} v${event.streamVersion} of ${event.streamId}: an order starts with OrderCreated, once`,
    );
  }
  const evolved = evolve(current?.order ?? null, typed);
  if (evolved === null)
    throw new ProjectionDataError(`${event.type} v${event.streamVersion} of ${event.streamId} left no order`);
  // What the read model never shows is dropped from the state kept between events (a rebuild
  // holds every order in memory), as a state read back from its row lacks it too: line items
  // (written to their table now) and the command side's idempotency bookkeeping.
  const order =
    evolved.lineItems.length > 0 ||
    evolved.appliedIdempotencyKeys.size > 0 ||
    evolved.appliedStripeEventIds.size > 0 ||
    evolved.failedRefundIds.size > 0
      ? {
          ...evolved,
          lineItems: [],
          appliedIdempotencyKeys: NO_KEYS,
          appliedStripeEventIds: NO_KEYS,
          failedRefundIds: NO_KEYS,
        }
      : evolved;
  const projected: ProjectedOrder = {
    order,
    extras: extrasAfter(current?.extras ?? NO_EXTRAS, typed),
    version: event.streamVersion,
    position: event.position,
  };
  return {
    kind: 'applied',
    order: projected,
    timeline: {
      id: event.id,
      order_id: orderId,
      stream_version: event.streamVersion,
      status: STATUS_MAP[order.orderStatus],
      message: timelineMessage(typed),
      metadata: timelineDetails(typed),
      occurred_at: typed.at,
      actor_type: typed.actor.type,
      actor_id: typed.actor.id,
      event_type: typed.type,
      position_commit: event.position.commit.toString(),
      position_prepare: event.position.prepare.toString(),
    },
    lineItems:
      typed.type === 'OrderCreated'
        ? typed.lineItems.map((item, index) => ({
            id: item.id,
            order_id: orderId,
            line_no: index + 1,
            size: item.size,
            quantity: item.quantity,
            technique: item.technique,
            unit_price_cents: String(item.unitPriceCents),
            metadata: {},
            created_at: typed.at,
          }))
        : [],
  };
}

/** What the timeline entry keeps of the event: its own fields, minus what every event has. */
function timelineDetails(event: OrderEvent): Record<string, unknown> {
  if (event.type === 'OrderCreated') {
    return {
      reference: event.reference,
      priority: event.priority,
      totalCents: event.totalCents,
      currency: event.currency,
    };
  }
  // The token is the link itself: the timeline (shown, logged, exported) never carries it.
  if (event.type === 'TrackingLinkIssued' || event.type === 'TrackingLinkRevoked') return {};
  const details: Record<string, unknown> = {};
  const fields = event as unknown as Record<string, unknown>;
  // for…in, not Object.entries: no array per field, and the same order for a plain object.
  for (const key in fields) if (!BASE_FIELDS.has(key)) details[key] = fields[key];
  return details;
}

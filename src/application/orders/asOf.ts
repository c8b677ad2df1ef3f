import { isUuid } from '../../domain/ids.ts';
import type { Viewer } from '../../auth/viewer.ts';
import { AppError } from '../../domain/errors.ts';
import { orderStreamId } from '../../domain/order/index.ts';
import { isViewable } from './visibility.ts';
import { projectOrderEvent, type LineItemRecord, type TimelineRecord } from '../../projections/orders/project.ts';
import { toOrderRecord, type ProjectedOrder } from '../../projections/orders/records.ts';
import { ORDERS_TABLE, type OrderRecord } from '../../projections/orders/tables.ts';
import type { ReadRowOf } from '../../projections/engine/table.ts';
import { orderView, type OrderRow, type ProductionOrderView } from '../../projections/orders/views.ts';
import type { EventStore } from '../../eventstore/eventStore.ts';

const date = (text: string | null): Date | null => (text === null ? null : new Date(text));
const INSTANT_COLUMNS = ORDERS_TABLE.columnNames.filter(
  (name): name is InstantColumn => ORDERS_TABLE.columns[name].kind === 'timestamptz',
);
type InstantColumn = {
  [K in keyof OrderRecord]: (typeof ORDERS_TABLE.columns)[K]['kind'] extends 'timestamptz' ? K : never;
}[keyof OrderRecord];

/**
 * `order(id, asOf)`: the order as it was at `asOf`, folded from its own events with the
 * projection's pure fold (the same code the read model runs), so it shows exactly what the read
 * model showed then; `etaDays` is counted at `asOf` too. Same visibility rules as `order(id)`.
 */
export async function orderAsOf(
  deps: { readonly eventStore: Pick<EventStore, 'readStream'> },
  viewer: Viewer,
  id: string,
  asOf: Date,
): Promise<ProductionOrderView> {
  const missing = new AppError('NOT_FOUND', `Order ${id} not found`, { orderId: id });
  if (!isUuid(id)) throw missing;
  const orderId = id.toLowerCase();
  const { events } = await deps.eventStore.readStream(orderStreamId(orderId));
  let projected: ProjectedOrder | undefined;
  let lineItems: readonly LineItemRecord[] = [];
  const timeline: TimelineRecord[] = [];
  for (const event of events) {
    const at = typeof event.data.at === 'string' ? Date.parse(event.data.at) : Number.NaN;
    // Events are in stream order and their instants never go back: stop at the first later one.
    if (!(at <= asOf.getTime())) break;
    const outcome = projectOrderEvent(projected, event, orderId);
    if (outcome.kind === 'applied') {
      projected = outcome.order;
      timeline.push(outcome.timeline);
      if (outcome.lineItems.length > 0) lineItems = outcome.lineItems;
    } else if (outcome.kind === 'skipped') {
      projected = outcome.order;
    }
  }
  if (!projected || !isViewable(viewer, projected.order.ownerId)) throw missing;
  return orderView(toRow(projected, lineItems, timeline), asOf);
}

/** The row the read model would hold for this fold, as its queries return it. */
function toRow(
  projected: ProjectedOrder,
  lineItems: readonly LineItemRecord[],
  timeline: readonly TimelineRecord[],
): OrderRow {
  const record = toOrderRecord(projected);
  const read: Record<string, unknown> = { ...record, metadata: { ...record.metadata } };
  // Instants as pg hands them over (Dates), every timestamptz column of the table.
  for (const name of INSTANT_COLUMNS) read[name] = date(record[name]);
  return {
    ...(read as ReadRowOf<typeof ORDERS_TABLE>),
    position: `${record.position_commit}-${record.position_prepare}`,
    line_items: lineItems.map((item) => ({
      id: item.id,
      line_no: item.line_no,
      size: item.size,
      quantity: item.quantity,
      technique: item.technique,
      unit_price_cents: item.unit_price_cents,
    })),
    events: timeline.map((entry) => ({
      id: entry.id,
      order_id: entry.order_id,
      stream_version: entry.stream_version,
      status: entry.status as NonNullable<OrderRow['events']>[number]['status'],
      message: entry.message,
      metadata: { ...entry.metadata },
      actor_type: entry.actor_type,
      actor_id: entry.actor_id,
      event_type: entry.event_type,
      occurred_at: entry.occurred_at,
      position: `${entry.position_commit}-${entry.position_prepare}`,
    })),
  };
}

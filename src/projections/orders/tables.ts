import type {
  Actor,
  EtaClock,
  GarmentSnapshot,
  OrderState,
  Priority,
  ProductionStatus,
  Technique,
} from '../../domain/order/index.ts';
import {
  bool,
  defineTable,
  int4,
  int8,
  jsonb,
  text,
  timestamptz,
  uuid,
  type ReadRowOf,
  type RowOf,
} from '../engine/table.ts';

/*
 * The orders projection's read tables, each defined once (migrations 001, 006, 008, 010 make
 * them; a test holds the columns equal). Row types, column lists, query selections and the
 * rebuild's COPY encoding all derive from these, and the views show every column the order reads
 * select as it is unless they compose it (views.ts). A new column of the order summary: add it
 * here, in its migration, where the row gets its value (records.ts) and in `schema.graphql`.
 */

export const ORDERS_TABLE = defineTable(
  'production_orders',
  {
    id: uuid(),
    user_id: uuid(),
    project_id: uuid().orNull(),
    reference: text(),
    status: text<OrderState>(),
    notes: text().orNull(),
    metadata: jsonb<Readonly<Record<string, unknown>>>(),
    created_at: timestamptz(),
    updated_at: timestamptz(),
    priority: text<Priority>(),
    hold_reason: text().orNull(),
    prompt: text().orNull(),
    design_url: text(),
    garment_id: text(),
    garment: jsonb<GarmentSnapshot>(),
    total_cents: int8(),
    currency: text(),
    stripe_checkout_session_id: text().orNull(),
    checkout_url: text().orNull(),
    checkout_simulated: bool().orNull(),
    payment_session_id: text().orNull(),
    stripe_payment_intent_id: text().orNull(),
    paid_cents: int8().orNull(),
    paid_currency: text().orNull(),
    paid_at: timestamptz().orNull(),
    payment_mismatch: bool(),
    last_payment_failure: text().orNull(),
    refunded_cents: int8(),
    canceled: bool(),
    canceled_by: text().orNull(),
    cancel_reason: text().orNull(),
    refund_due: bool(),
    submitted_at: timestamptz().orNull(),
    approved_at: timestamptz().orNull(),
    in_production_at: timestamptz().orNull(),
    fulfilled_at: timestamptz().orNull(),
    canceled_at: timestamptz().orNull(),
    tracking_number: text().orNull(),
    tracking_url: text().orNull(),
    carrier: text().orNull(),
    public_tracking_token: text().orNull(),
    eta_clock: jsonb<EtaClock>(),
    eta_at: timestamptz().orNull(),
    version: int4(),
    position_commit: int8(),
    position_prepare: int8(),
    refund_excess: bool(),
    refund_failed: bool(),
    refund_failure_reason: text().orNull(),
    dispute_id: text().orNull(),
    dispute_status: text().orNull(),
    dispute_evidence_due_by: timestamptz().orNull(),
    disputed: bool(),
    held_at: timestamptz().orNull(),
  },
  // Orders are filtered, sorted and searched many ways: every column's statistics.
  { key: ['id'], statistics: 'all', load: 'final' },
);

export const LINE_ITEMS_TABLE = defineTable(
  'production_line_items',
  {
    id: uuid(),
    order_id: uuid(),
    line_no: int4(),
    size: text(),
    quantity: int4(),
    technique: text<Technique>(),
    unit_price_cents: int8(),
    metadata: jsonb<Readonly<Record<string, unknown>>>(),
    created_at: timestamptz(),
  },
  // Read by key only.
  { key: ['order_id', 'line_no'], statistics: ['order_id', 'line_no'], load: 'streamed' },
);

export const TIMELINE_TABLE = defineTable(
  'fulfillment_events',
  {
    id: uuid(),
    order_id: uuid(),
    stream_version: int4(),
    // Status labels, the guard's actor types and known event types: fixed lists, never escaped.
    status: text().fixedList(),
    message: text().orNull(),
    metadata: jsonb<Readonly<Record<string, unknown>>>(),
    occurred_at: timestamptz(),
    actor_type: text<Actor['type']>().fixedList(),
    actor_id: text(),
    event_type: text().fixedList(),
    position_commit: int8(),
    position_prepare: int8(),
  },
  // Read by key only; a full analyze of the timeline cost a fifth of its load.
  { key: ['order_id', 'stream_version'], statistics: ['order_id', 'stream_version'], load: 'streamed' },
);

/** A rebuild builds the indexes of the last listed first (the largest: its sort starts at once). */
export const ORDER_TABLES = [ORDERS_TABLE, LINE_ITEMS_TABLE, TIMELINE_TABLE] as const;

/** A `production_orders` row as written. */
export type OrderRecord = RowOf<typeof ORDERS_TABLE>;
/** A `production_line_items` row as written. */
export type LineItemRecord = RowOf<typeof LINE_ITEMS_TABLE>;
/** A `fulfillment_events` row as written: one per applied event. */
export type TimelineRecord = RowOf<typeof TIMELINE_TABLE>;

const NOT_SHOWN = [
  'garment_id',
  'payment_session_id',
  'eta_at',
  'dispute_id',
  'position_commit',
  'position_prepare',
] as const;

/** A column the order reads select. */
export type OrderViewColumn = Exclude<keyof typeof ORDER_COLUMNS, (typeof NOT_SHOWN)[number]>;
/** The columns the order reads select (the rest is bookkeeping of the projector and the command side). */
export const ORDER_VIEW_COLUMNS = ORDERS_TABLE.columnNames.filter(
  (name): name is OrderViewColumn => !(NOT_SHOWN as readonly string[]).includes(name),
);

/** A production_orders row as the order queries select it (pg's default parsing), with its position, line items and timeline. */
export type OrderRow = Omit<ReadRowOf<typeof ORDERS_TABLE>, (typeof NOT_SHOWN)[number]> & {
  position: string;
  line_items?: LineItemJson[];
  events?: TimelineJson[];
};

/** The line item fields an order read aggregates. */
export const LINE_ITEM_VIEW_COLUMNS = ['id', 'line_no', 'size', 'quantity', 'technique', 'unit_price_cents'] as const;
export type LineItemJson = Pick<LineItemRecord, (typeof LINE_ITEM_VIEW_COLUMNS)[number]>;

/** The timeline fields a read returns (as JSON: instants as text), its position as one text. */
export const TIMELINE_VIEW_COLUMNS = TIMELINE_TABLE.columnNames.filter(
  (name): name is Exclude<typeof name, 'position_commit' | 'position_prepare'> => !name.startsWith('position_'),
);
export type TimelineJson = Omit<TimelineRecord, 'position_commit' | 'position_prepare' | 'status'> & {
  status: ProductionStatus;
  position: string;
};

/** The tables' columns by name (a test holds them equal to the migrated tables). */
export const ORDER_COLUMNS = ORDERS_TABLE.columns;
export const LINE_ITEM_COLUMNS = LINE_ITEMS_TABLE.columns;
export const TIMELINE_COLUMNS = TIMELINE_TABLE.columns;

/** Rows as COPY text lines, for a rebuild's bulk load (compiled from the definitions above). */
export const orderLine = (row: OrderRecord): string => ORDERS_TABLE.copyLine(row);
export const lineItemLine = (row: LineItemRecord): string => LINE_ITEMS_TABLE.copyLine(row);
export const timelineLine = (row: TimelineRecord): string => TIMELINE_TABLE.copyLine(row);

/**
 * The columns the `orders` projection writes, per table, in one place: the writers, the loader
 * and the rebuild's row-for-row comparison all read these lists (a test checks them against the
 * migrated tables).
 */
export type ColumnKind = 'uuid' | 'text' | 'int4' | 'int8' | 'bool' | 'jsonb' | 'timestamptz';

export const ORDER_COLUMNS = {
  id: 'uuid',
  user_id: 'uuid',
  project_id: 'uuid',
  reference: 'text',
  status: 'text',
  notes: 'text',
  metadata: 'jsonb',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  priority: 'text',
  hold_reason: 'text',
  prompt: 'text',
  design_url: 'text',
  garment_id: 'text',
  garment: 'jsonb',
  total_cents: 'int8',
  currency: 'text',
  stripe_checkout_session_id: 'text',
  checkout_url: 'text',
  checkout_simulated: 'bool',
  payment_session_id: 'text',
  stripe_payment_intent_id: 'text',
  paid_cents: 'int8',
  paid_currency: 'text',
  paid_at: 'timestamptz',
  payment_mismatch: 'bool',
  last_payment_failure: 'text',
  refunded_cents: 'int8',
  canceled: 'bool',
  canceled_by: 'text',
  cancel_reason: 'text',
  refund_due: 'bool',
  submitted_at: 'timestamptz',
  approved_at: 'timestamptz',
  in_production_at: 'timestamptz',
  fulfilled_at: 'timestamptz',
  canceled_at: 'timestamptz',
  tracking_number: 'text',
  tracking_url: 'text',
  carrier: 'text',
  public_tracking_token: 'text',
  eta_clock: 'jsonb',
  eta_at: 'timestamptz',
  version: 'int4',
  position_commit: 'int8',
  position_prepare: 'int8',
  refund_excess: 'bool',
  refund_failed: 'bool',
  refund_failure_reason: 'text',
  dispute_id: 'text',
  dispute_status: 'text',
  dispute_evidence_due_by: 'timestamptz',
  disputed: 'bool',
} as const satisfies Record<string, ColumnKind>;

export const LINE_ITEM_COLUMNS = {
  id: 'uuid',
  order_id: 'uuid',
  line_no: 'int4',
  size: 'text',
  quantity: 'int4',
  technique: 'text',
  unit_price_cents: 'int8',
  metadata: 'jsonb',
  created_at: 'timestamptz',
} as const satisfies Record<string, ColumnKind>;

export const TIMELINE_COLUMNS = {
  id: 'uuid',
  order_id: 'uuid',
  stream_version: 'int4',
  status: 'text',
  message: 'text',
  metadata: 'jsonb',
  occurred_at: 'timestamptz',
  actor_type: 'text',
  actor_id: 'text',
  event_type: 'text',
  position_commit: 'int8',
  position_prepare: 'int8',
} as const satisfies Record<string, ColumnKind>;

export type OrderColumn = keyof typeof ORDER_COLUMNS;

/**
 * The projected tables, each with its columns and the key its rows are compared and ordered by.
 * `statistics`: what a rebuild analyzes before the switch. Orders are filtered, sorted and
 * searched many ways (all columns, and the search expression's index); line items and timeline
 * entries are only ever read by their key, and a full analyze of the timeline costs as much as
 * a fifth of its load.
 */
export const PROJECTED_TABLES = [
  { name: 'production_orders', columns: ORDER_COLUMNS, key: ['id'], statistics: 'all' },
  { name: 'production_line_items', columns: LINE_ITEM_COLUMNS, key: ['order_id', 'line_no'], statistics: ['order_id', 'line_no'] },
  { name: 'fulfillment_events', columns: TIMELINE_COLUMNS, key: ['order_id', 'stream_version'], statistics: ['order_id', 'stream_version'] },
] as const;

export type ProjectedTableName = (typeof PROJECTED_TABLES)[number]['name'];

/** `"schema"."table"`, quoted: rebuilds write into another schema. */
export const qualified = (schema: string, table: string): string => `${quoteIdent(schema)}.${quoteIdent(table)}`;

/**
 * A select-list expression that reads the column back exactly as it was written: timestamps as
 * ISO text (never through a JS Date, which would drop microseconds), bigints as text.
 */
export function readBack(column: string, kind: ColumnKind): string {
  if (kind === 'timestamptz') return `to_json(${column}) #>> '{}' as ${column}`;
  if (kind === 'int8') return `${column}::text as ${column}`;
  return column;
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

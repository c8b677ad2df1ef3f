import {
  STATUS_MAP,
  etaOf,
  type Actor,
  type GarmentSnapshot,
  type OrderState,
  type ProductionStatus,
  type Technique,
} from '../../domain/order/index.ts';
import { shownFields, type ShownFields } from '../engine/viewFields.ts';
import { ORDER_COLUMNS, ORDER_VIEW_COLUMNS, type OrderRow, type OrderViewColumn, type TimelineJson } from './tables.ts';

export type { LineItemJson, OrderRow, TimelineJson } from './tables.ts';

/** A catalog entry or an order's garment snapshot. `price` is in dollars, as in the seed. */
export interface GarmentView {
  readonly id: string;
  readonly title: string;
  readonly priceCents: number;
  readonly price: number;
  readonly sizes: readonly string[];
  readonly imageUrl: string | null;
}

export interface LineItemView {
  readonly id: string;
  readonly lineNo: number;
  readonly size: string;
  readonly quantity: number;
  readonly technique: Technique;
  readonly unitPriceCents: number;
}

/** One timeline entry (`fulfillment_events`). */
export interface TimelineEntryView {
  readonly id: string;
  readonly orderId: string;
  readonly streamVersion: number;
  /** The status label the order was left in. */
  readonly status: ProductionStatus;
  readonly message: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly actor: Actor;
  readonly eventType: string;
  readonly occurredAt: string;
  /** `<commit>-<prepare>` (formatPosition). */
  readonly position: string;
}

/**
 * The columns the view composes into fields of its own: labels, the ETA computed at read time,
 * the route map's instants, and the payment, dispute and cancelation facts as nested objects.
 * Every other column the order reads select is shown as it is ({@link ShownOrderFields}), so a
 * new column of the order's row reaches the view, and GraphQL's field of the same name, by itself.
 */
const COMPOSED = [
  'status',
  'design_url',
  'garment',
  'eta_clock',
  'submitted_at',
  'approved_at',
  'in_production_at',
  'fulfilled_at',
  'canceled_at',
  'canceled_by',
  'cancel_reason',
  'stripe_checkout_session_id',
  'checkout_url',
  'checkout_simulated',
  'stripe_payment_intent_id',
  'paid_cents',
  'paid_currency',
  'paid_at',
  'payment_mismatch',
  'last_payment_failure',
  'refunded_cents',
  'refund_due',
  'refund_excess',
  'refund_failed',
  'refund_failure_reason',
  'dispute_status',
  'dispute_evidence_due_by',
  'disputed',
] as const satisfies readonly OrderViewColumn[];

type ShownColumn = Exclude<OrderViewColumn, (typeof COMPOSED)[number]>;
const SHOWN = ORDER_VIEW_COLUMNS.filter((name): name is ShownColumn => !(COMPOSED as readonly string[]).includes(name));

/**
 * The order's columns shown as they are (`hold_reason` → `holdReason`, instants as ISO text,
 * cents as numbers): id, reference, owner, notes, priority, totals, version, tracking facts, ….
 */
export type ShownOrderFields = ShownFields<typeof ORDER_COLUMNS, ShownColumn>;
const addShownOrderFields = shownFields(ORDER_COLUMNS, SHOWN);

/**
 * The seed's ProductionOrderSummary with raw values (lower-case states and priorities; the
 * API layers map them), plus what the contract adds and what operators need.
 */
export interface ProductionOrderView extends ShownOrderFields {
  readonly status: ProductionStatus;
  readonly orderStatus: OrderState;
  /** Whole days left (rounded up, never below 0), computed at read time from the ETA clock. */
  readonly etaDays: number;
  readonly etaAt: string | null;
  /** The design image. */
  readonly imageUrl: string;
  readonly garment: GarmentView | null;
  readonly lineItems: readonly LineItemView[];
  readonly events: readonly TimelineEntryView[];
  /** `<commit>-<prepare>` of its last change (formatPosition). */
  readonly position: string;
  /** When each lifecycle state was first reached (the route map). */
  readonly reachedAt: Readonly<Partial<Record<OrderState, string>>>;
  readonly payment: {
    readonly checkoutSessionId: string | null;
    readonly checkoutUrl: string | null;
    readonly checkoutSimulated: boolean | null;
    readonly paymentIntentId: string | null;
    readonly paidCents: number | null;
    readonly paidCurrency: string | null;
    readonly paidAt: string | null;
    /** A payment that did not equal the total was flagged for operators. */
    readonly mismatch: boolean;
    readonly lastFailure: string | null;
    readonly refundedCents: number;
    readonly refundDue: boolean;
    /** Stripe reported more refunded than was paid; the excess was not recorded. */
    readonly refundExcess: boolean;
    readonly refundFailed: boolean;
    readonly refundFailureReason: string | null;
  };
  /** The last dispute Stripe reported on the payment; null when there was none. */
  readonly dispute: { readonly open: boolean; readonly status: string; readonly evidenceDueBy: string | null } | null;
  readonly cancelation: { readonly at: string; readonly by: string | null; readonly reason: string | null } | null;
}

const iso = (value: Date | string): string => new Date(value).toISOString();
const isoOrNull = (value: Date | null): string | null => (value === null ? null : value.toISOString());

export const garmentView = (g: GarmentSnapshot): GarmentView => ({
  id: g.id,
  title: g.title,
  priceCents: g.priceCents,
  price: g.priceCents / 100,
  sizes: g.sizes,
  imageUrl: g.imageUrl,
});

export const timelineView = (e: TimelineJson): TimelineEntryView => ({
  id: e.id,
  orderId: e.order_id,
  streamVersion: e.stream_version,
  status: e.status,
  message: e.message,
  metadata: e.metadata,
  actor: { type: e.actor_type, id: e.actor_id },
  eventType: e.event_type,
  occurredAt: iso(e.occurred_at),
  position: e.position,
});

/** An order without its timeline (`findOrderSummaries`). */
export type OrderSummaryView = Omit<ProductionOrderView, 'events'>;

export function orderView(row: OrderRow, now: Date): ProductionOrderView {
  const eta = etaOf(row.eta_clock, now);
  const reachedAt: Partial<Record<OrderState, string>> = { draft: iso(row.created_at) };
  const reached: [OrderState, Date | null][] = [
    ['submitted', row.submitted_at],
    ['approved', row.approved_at],
    ['in_production', row.in_production_at],
    ['fulfilled', row.fulfilled_at],
    ['canceled', row.canceled_at],
  ];
  for (const [state, at] of reached) if (at) reachedAt[state] = at.toISOString();
  const composed: Omit<ProductionOrderView, keyof ShownOrderFields> = {
    status: STATUS_MAP[row.status],
    orderStatus: row.status,
    etaDays: eta.etaDays,
    etaAt: eta.etaAt,
    imageUrl: row.design_url,
    garment: row.garment ? garmentView(row.garment) : null,
    lineItems: (row.line_items ?? []).map((item) => ({
      id: item.id,
      lineNo: item.line_no,
      size: item.size,
      quantity: item.quantity,
      technique: item.technique,
      unitPriceCents: Number(item.unit_price_cents),
    })),
    events: (row.events ?? []).map(timelineView),
    position: row.position,
    reachedAt,
    payment: {
      checkoutSessionId: row.stripe_checkout_session_id,
      checkoutUrl: row.checkout_url,
      checkoutSimulated: row.checkout_simulated,
      paymentIntentId: row.stripe_payment_intent_id,
      paidCents: row.paid_cents === null ? null : Number(row.paid_cents),
      paidCurrency: row.paid_currency,
      paidAt: isoOrNull(row.paid_at),
      mismatch: row.payment_mismatch,
      lastFailure: row.last_payment_failure,
      refundedCents: Number(row.refunded_cents),
      refundDue: row.refund_due,
      refundExcess: row.refund_excess,
      refundFailed: row.refund_failed,
      refundFailureReason: row.refund_failure_reason,
    },
    dispute:
      row.dispute_status === null
        ? null
        : { open: row.disputed, status: row.dispute_status, evidenceDueBy: isoOrNull(row.dispute_evidence_due_by) },
    cancelation:
      row.canceled && row.canceled_at
        ? { at: row.canceled_at.toISOString(), by: row.canceled_by, reason: row.cancel_reason }
        : null,
  };
  return addShownOrderFields(row, composed);
}

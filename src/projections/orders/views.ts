import {
  STATUS_MAP,
  etaOf,
  type Actor,
  type GarmentSnapshot,
  type OrderState,
  type Priority,
  type ProductionStatus,
  type Technique,
} from '../../domain/order/index.ts';
import type { OrderRow, TimelineJson } from './tables.ts';

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
 * The seed's ProductionOrderSummary with raw values (lower-case states and priorities; the
 * API layers map them), plus what the contract adds and what operators need.
 */
export interface ProductionOrderView {
  readonly id: string;
  readonly reference: string;
  readonly notes: string | null;
  readonly status: ProductionStatus;
  readonly orderStatus: OrderState;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly prompt: string | null;
  readonly priority: Priority;
  readonly holdReason: string | null;
  /** Whole days left (rounded up, never below 0), computed at read time from the ETA clock. */
  readonly etaDays: number;
  readonly etaAt: string | null;
  /** The design image. */
  readonly imageUrl: string;
  readonly garment: GarmentView | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly lineItems: readonly LineItemView[];
  readonly events: readonly TimelineEntryView[];
  readonly version: number;
  readonly position: string;
  readonly totalCents: number;
  readonly currency: string;
  readonly canceled: boolean;
  readonly userId: string;
  readonly projectId: string | null;
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
  readonly tracking: {
    readonly number: string | null;
    readonly url: string | null;
    readonly carrier: string | null;
  } | null;
  /** The active public tracking link's token (owner and operators only: the API decides who sees it). */
  readonly publicTrackingToken: string | null;
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
  const hasTracking = row.tracking_number !== null || row.tracking_url !== null || row.carrier !== null;
  return {
    id: row.id,
    reference: row.reference,
    notes: row.notes,
    status: STATUS_MAP[row.status],
    orderStatus: row.status,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    prompt: row.prompt,
    priority: row.priority,
    holdReason: row.hold_reason,
    etaDays: eta.etaDays,
    etaAt: eta.etaAt,
    imageUrl: row.design_url,
    garment: row.garment ? garmentView(row.garment) : null,
    metadata: row.metadata,
    lineItems: (row.line_items ?? []).map((item) => ({
      id: item.id,
      lineNo: item.line_no,
      size: item.size,
      quantity: item.quantity,
      technique: item.technique,
      unitPriceCents: Number(item.unit_price_cents),
    })),
    events: (row.events ?? []).map(timelineView),
    version: row.version,
    position: row.position,
    totalCents: Number(row.total_cents),
    currency: row.currency,
    canceled: row.canceled,
    userId: row.user_id,
    projectId: row.project_id,
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
    tracking: hasTracking ? { number: row.tracking_number, url: row.tracking_url, carrier: row.carrier } : null,
    publicTrackingToken: row.public_tracking_token,
  };
}

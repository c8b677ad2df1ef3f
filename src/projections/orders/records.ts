import type { GlobalPosition } from '../../eventstore/eventStore.ts';
import { etaOf, type Order, type OrderEvent, type OrderState } from '../../domain/order/index.ts';
import { fieldCopier } from '../engine/viewFields.ts';
import type { OrderRecord } from './tables.ts';

export type { OrderRecord } from './tables.ts';

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * The columns the read model shows that the domain's fold does not keep, as they are before the
 * first event: the projection's own facts, set by {@link extrasAfter} and kept on the row as they
 * are (a batch that starts from the row reads them back by these names).
 */
export const NO_EXTRAS = {
  tracking_number: null,
  tracking_url: null,
  carrier: null,
  last_payment_failure: null,
  held_at: null,
} as const satisfies Partial<OrderRecord>;

/** Facts the read model shows that the domain's fold does not keep: columns of the order's row. */
export type OrderExtras = Pick<OrderRecord, keyof typeof NO_EXTRAS>;
const EXTRA_COLUMNS = Object.keys(NO_EXTRAS) as (keyof OrderExtras)[];
/** The extras stored on a row built from the domain's state (compiled: toOrderRecord runs for every changed order). */
const withExtras = fieldCopier(EXTRA_COLUMNS);

/** The extras after an event: the fold keeps them beside the domain's state. */
export function extrasAfter(extras: OrderExtras, event: OrderEvent): OrderExtras {
  if (event.type === 'OrderFulfilled') {
    const { trackingNumber, trackingUrl, carrier } = event;
    return { ...extras, tracking_number: trackingNumber, tracking_url: trackingUrl, carrier };
  }
  if (event.type === 'PaymentFailed') return { ...extras, last_payment_failure: event.reason };
  if (event.type === 'PaymentConfirmed') return { ...extras, last_payment_failure: null };
  // On hold since the change into hold; a new reason for a hold keeps it, a release clears it.
  if (event.type === 'OrderCreated') return { ...extras, held_at: event.priority === 'hold' ? event.at : null };
  if (event.type === 'PriorityChanged' && (event.to !== 'hold' || event.from !== 'hold'))
    return { ...extras, held_at: event.to === 'hold' ? event.at : null };
  return extras;
}

/** One order as the projection holds it: the domain's fold plus extras, its version and position. */
export interface ProjectedOrder {
  readonly order: Order;
  readonly extras: OrderExtras;
  /** The last stream version applied. */
  readonly version: number;
  /** The $all position of that event. */
  readonly position: GlobalPosition;
}

export function toOrderRecord(projected: ProjectedOrder): OrderRecord {
  const { order, extras } = projected;
  const reached = order.reachedAt;
  const record: Omit<OrderRecord, keyof OrderExtras> = {
    id: order.id,
    user_id: order.ownerId,
    project_id: order.projectId,
    reference: order.reference,
    status: order.orderStatus,
    notes: order.notes,
    metadata: order.metadata,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    priority: order.priority,
    hold_reason: order.holdReason,
    prompt: order.prompt,
    design_url: order.designUrl,
    garment_id: order.garment.id,
    garment: order.garment,
    total_cents: String(order.totalCents),
    currency: order.currency,
    stripe_checkout_session_id: order.checkout?.sessionId ?? null,
    checkout_url: order.checkout?.checkoutUrl ?? null,
    checkout_simulated: order.checkout?.simulated ?? null,
    payment_session_id: order.payment?.sessionId ?? null,
    stripe_payment_intent_id: order.payment?.paymentIntentId ?? null,
    paid_cents: order.payment ? String(order.payment.amountCents) : null,
    paid_currency: order.payment?.currency ?? null,
    paid_at: order.payment?.paidAt ?? null,
    payment_mismatch: order.paymentFlagged,
    refunded_cents: String(order.refundedCents),
    canceled: order.orderStatus === 'canceled',
    canceled_by: order.cancelation?.by ?? null,
    cancel_reason: order.cancelation?.reason ?? null,
    refund_due: order.cancelation?.refundDue ?? false,
    submitted_at: reached.submitted ?? null,
    approved_at: reached.approved ?? null,
    in_production_at: reached.in_production ?? null,
    fulfilled_at: reached.fulfilled ?? null,
    canceled_at: reached.canceled ?? null,
    public_tracking_token: order.trackingToken,
    eta_clock: order.clock,
    // The promise instant does not depend on "now"; only etaDays does (computed at read time).
    eta_at: etaOf(order.clock, new Date(0)).etaAt,
    version: projected.version,
    position_commit: projected.position.commit.toString(),
    position_prepare: projected.position.prepare.toString(),
    refund_excess: order.refundExcess,
    refund_failed: order.refundFailure !== null,
    refund_failure_reason: order.refundFailure?.reason ?? null,
    dispute_id: order.dispute?.disputeId ?? null,
    dispute_status: order.dispute?.status ?? null,
    dispute_evidence_due_by: order.dispute?.evidenceDueBy ?? null,
    disputed: order.dispute?.open ?? false,
  };
  return withExtras(extras, record);
}

/**
 * Back from a stored row (read with `readBack`) to what the fold continues from. Line items are
 * not reloaded: they are written once, from `OrderCreated`, and no later event touches them.
 * The idempotency-key and failed-refund sets are command-side bookkeeping the read model does not keep.
 */
export function fromOrderRecord(row: OrderRecord): ProjectedOrder {
  const reachedAt: Partial<Record<OrderState, string>> = { draft: row.created_at };
  if (row.submitted_at !== null) reachedAt.submitted = row.submitted_at;
  if (row.approved_at !== null) reachedAt.approved = row.approved_at;
  if (row.in_production_at !== null) reachedAt.in_production = row.in_production_at;
  if (row.fulfilled_at !== null) reachedAt.fulfilled = row.fulfilled_at;
  if (row.canceled_at !== null) reachedAt.canceled = row.canceled_at;
  const order: Order = {
    id: row.id,
    reference: row.reference,
    ownerId: row.user_id,
    projectId: row.project_id,
    orderStatus: row.status,
    priority: row.priority,
    holdReason: row.hold_reason,
    garment: row.garment,
    designUrl: row.design_url,
    prompt: row.prompt,
    notes: row.notes,
    lineItems: [],
    totalCents: Number(row.total_cents),
    currency: row.currency as Order['currency'],
    metadata: row.metadata,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    reachedAt,
    checkout:
      row.stripe_checkout_session_id === null
        ? null
        : {
            sessionId: row.stripe_checkout_session_id,
            checkoutUrl: row.checkout_url ?? '',
            simulated: row.checkout_simulated ?? false,
          },
    payment:
      row.paid_at === null
        ? null
        : {
            sessionId: row.payment_session_id ?? '',
            paymentIntentId: row.stripe_payment_intent_id,
            amountCents: Number(row.paid_cents),
            currency: row.paid_currency ?? '',
            paidAt: row.paid_at,
          },
    paymentFlagged: row.payment_mismatch,
    cancelation:
      row.canceled_at === null || row.status !== 'canceled'
        ? null
        : {
            at: row.canceled_at,
            by: row.canceled_by as NonNullable<Order['cancelation']>['by'],
            reason: row.cancel_reason,
            refundDue: row.refund_due,
          },
    refundedCents: Number(row.refunded_cents),
    refundExcess: row.refund_excess,
    refundFailure: row.refund_failed ? { reason: row.refund_failure_reason } : null,
    dispute:
      row.dispute_id === null
        ? null
        : {
            disputeId: row.dispute_id,
            status: row.dispute_status ?? '',
            evidenceDueBy: row.dispute_evidence_due_by,
            open: row.disputed,
          },
    trackingToken: row.public_tracking_token,
    clock: row.eta_clock,
    appliedIdempotencyKeys: NO_KEYS,
    appliedStripeEventIds: NO_KEYS,
    failedRefundIds: NO_KEYS,
  };
  return {
    order,
    extras: withExtras(row, {}),
    version: row.version,
    position: { commit: BigInt(row.position_commit), prepare: BigInt(row.position_prepare) },
  };
}

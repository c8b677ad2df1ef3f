import { clockPaid, clockPriorityChanged, clockStopped, startClock } from './eta.ts';
import type { OrderCreated, OrderEvent, OrderState } from './events.ts';
import type { Order, OrderStreamState } from './state.ts';

const ms = (iso: string): number => Date.parse(iso);

function created(event: OrderCreated): Order {
  return {
    id: event.orderId,
    reference: event.reference,
    ownerId: event.userId,
    projectId: event.projectId,
    orderStatus: 'draft',
    priority: event.priority,
    holdReason: event.priority === 'hold' ? event.holdReason : null,
    garment: event.garment,
    designUrl: event.designUrl,
    prompt: event.prompt,
    notes: event.notes,
    lineItems: event.lineItems,
    totalCents: event.totalCents,
    currency: event.currency,
    metadata: event.metadata,
    createdAt: event.at,
    updatedAt: event.at,
    reachedAt: { draft: event.at },
    checkout: null,
    payment: null,
    paymentFlagged: false,
    cancelation: null,
    refundedCents: 0,
    refundExcess: false,
    refundFailure: null,
    dispute: null,
    trackingToken: null,
    clock: startClock(event.priority),
    appliedIdempotencyKeys: new Set(event.idempotencyKey === undefined ? [] : [event.idempotencyKey]),
    appliedStripeEventIds: new Set(),
    failedRefundIds: new Set(),
  };
}

/** The status change, with the instant the order first reached `to`. */
const moved = (order: Order, to: OrderState, at: string): Pick<Order, 'orderStatus' | 'reachedAt'> => ({
  orderStatus: to,
  reachedAt: order.reachedAt[to] === undefined ? { ...order.reachedAt, [to]: at } : order.reachedAt,
});

const withAdded = (set: ReadonlySet<string>, value: string | null | undefined): ReadonlySet<string> =>
  value === null || value === undefined || set.has(value) ? set : new Set([...set, value]);

/**
 * What the event changes beyond the bookkeeping every event does, as the fields that change:
 * `evolve` copies the order once with them (a rebuild folds a million events, and a copy per
 * step of a change was most of the fold's garbage).
 */
function changes(order: Order, event: OrderEvent): Partial<Order> | undefined {
  switch (event.type) {
    case 'OrderCreated':
      return undefined;
    case 'CheckoutSessionOpened':
      return { checkout: { sessionId: event.sessionId, checkoutUrl: event.checkoutUrl, simulated: event.simulated } };
    case 'PaymentConfirmed': {
      const payment = {
        sessionId: event.sessionId,
        paymentIntentId: event.paymentIntentId,
        amountCents: event.amountCents,
        currency: event.currency,
        paidAt: event.at,
      };
      return { ...moved(order, 'submitted', event.at), payment, clock: clockPaid(order.clock, ms(event.at)) };
    }
    case 'PaymentFailed':
      return undefined;
    case 'PaymentMismatchFlagged':
      return { paymentFlagged: true };
    case 'SpecApproved':
      return moved(order, 'approved', event.at);
    case 'ProductionStarted':
      return moved(order, 'in_production', event.at);
    case 'OrderFulfilled':
      return { ...moved(order, 'fulfilled', event.at), clock: clockStopped(order.clock, ms(event.at)) };
    case 'OrderCanceled': {
      const cancelation = { at: event.at, by: event.actor.type, reason: event.reason, refundDue: event.refundDue };
      return { ...moved(order, 'canceled', event.at), cancelation, clock: clockStopped(order.clock, ms(event.at)) };
    }
    case 'PriorityChanged':
      return {
        priority: event.to,
        holdReason: event.to === 'hold' ? event.reason : null,
        clock: clockPriorityChanged(order.clock, event.to, ms(event.at)),
      };
    case 'NotesUpdated':
      return { notes: event.notes === '' ? null : event.notes };
    case 'MessagePosted':
      return undefined;
    case 'RefundRecorded': {
      // Never above the payment: a total recorded before refunds were capped is capped here too.
      const paid = order.payment?.amountCents ?? event.amountRefundedCents;
      const refundedCents = Math.max(order.refundedCents, Math.min(event.amountRefundedCents, paid));
      return {
        refundedCents,
        refundFailure: null,
        refundExcess: order.refundExcess || event.amountRefundedCents > paid,
      };
    }
    case 'RefundExcessFlagged':
      return { refundExcess: true };
    case 'RefundFailed':
      return {
        refundedCents: Math.max(0, order.refundedCents - event.amountCents),
        refundFailure: { reason: event.reason },
        failedRefundIds: withAdded(order.failedRefundIds, event.refundId),
      };
    case 'DisputeOpened':
      return {
        dispute: { disputeId: event.disputeId, status: event.status, evidenceDueBy: event.evidenceDueBy, open: true },
      };
    case 'DisputeUpdated':
      return order.dispute?.disputeId === event.disputeId
        ? { dispute: { ...order.dispute, status: event.status, evidenceDueBy: event.evidenceDueBy } }
        : undefined;
    case 'DisputeClosed':
      return { dispute: { disputeId: event.disputeId, status: event.status, evidenceDueBy: null, open: false } };
    case 'TrackingLinkIssued':
      return { trackingToken: event.token };
    case 'TrackingLinkRevoked':
      return order.trackingToken === event.token ? { trackingToken: null } : undefined;
    default: {
      const _exhaustive: never = event;
      return undefined;
    }
  }
}

const stripeEventIdOf = (event: OrderEvent): string | null => ('stripeEventId' in event ? event.stripeEventId : null);

/**
 * Folds one event into the order. Never throws: the events are facts already decided, so an
 * event that makes no sense here (anything before `OrderCreated`) is passed over.
 */
export function evolve(state: OrderStreamState, event: OrderEvent): OrderStreamState {
  if (state === null) return event.type === 'OrderCreated' ? created(event) : null;
  if (event.type === 'OrderCreated') return state; // an order is created once
  return {
    ...state,
    ...changes(state, event),
    updatedAt: event.at,
    appliedIdempotencyKeys: withAdded(state.appliedIdempotencyKeys, event.idempotencyKey),
    appliedStripeEventIds: withAdded(state.appliedStripeEventIds, stripeEventIdOf(event)),
  };
}

/** Folds a whole stream from nothing. */
export const foldOrder = (events: Iterable<OrderEvent>): OrderStreamState => {
  let state: OrderStreamState = null;
  for (const event of events) state = evolve(state, event);
  return state;
};

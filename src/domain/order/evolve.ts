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
    clock: startClock(event.priority),
    appliedIdempotencyKeys: new Set(event.idempotencyKey === undefined ? [] : [event.idempotencyKey]),
    appliedStripeEventIds: new Set(),
  };
}

const moved = (order: Order, to: OrderState, at: string): Order => ({
  ...order,
  orderStatus: to,
  reachedAt: order.reachedAt[to] === undefined ? { ...order.reachedAt, [to]: at } : order.reachedAt,
});

const withAdded = (set: ReadonlySet<string>, value: string | null | undefined): ReadonlySet<string> =>
  value === null || value === undefined || set.has(value) ? set : new Set([...set, value]);

/** What the event changes beyond the bookkeeping every event does. */
function applied(order: Order, event: OrderEvent): Order {
  switch (event.type) {
    case 'OrderCreated':
      return order;
    case 'CheckoutSessionOpened':
      return { ...order, checkout: { sessionId: event.sessionId, checkoutUrl: event.checkoutUrl, simulated: event.simulated } };
    case 'PaymentConfirmed': {
      const payment = { sessionId: event.sessionId, paymentIntentId: event.paymentIntentId, amountCents: event.amountCents, currency: event.currency, paidAt: event.at };
      return { ...moved(order, 'submitted', event.at), payment, clock: clockPaid(order.clock, ms(event.at)) };
    }
    case 'PaymentFailed':
      return order;
    case 'PaymentMismatchFlagged':
      return { ...order, paymentFlagged: true };
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
        ...order,
        priority: event.to,
        holdReason: event.to === 'hold' ? event.reason : null,
        clock: clockPriorityChanged(order.clock, event.to, ms(event.at)),
      };
    case 'NotesUpdated':
      return { ...order, notes: event.notes === '' ? null : event.notes };
    case 'MessagePosted':
      return order;
    case 'RefundRecorded':
      return { ...order, refundedCents: Math.max(order.refundedCents, event.amountRefundedCents) };
    default: {
      const _exhaustive: never = event;
      return order;
    }
  }
}

const stripeEventIdOf = (event: OrderEvent): string | null =>
  'stripeEventId' in event ? event.stripeEventId : null;

/**
 * Folds one event into the order. Never throws: the events are facts already decided, so an
 * event that makes no sense here (anything before `OrderCreated`) is passed over.
 */
export function evolve(state: OrderStreamState, event: OrderEvent): OrderStreamState {
  if (state === null) return event.type === 'OrderCreated' ? created(event) : null;
  if (event.type === 'OrderCreated') return state; // an order is created once
  const order = applied(state, event);
  return {
    ...order,
    updatedAt: event.at,
    appliedIdempotencyKeys: withAdded(order.appliedIdempotencyKeys, event.idempotencyKey),
    appliedStripeEventIds: withAdded(order.appliedStripeEventIds, stripeEventIdOf(event)),
  };
}

/** Folds a whole stream from nothing. */
export const foldOrder = (events: Iterable<OrderEvent>): OrderStreamState => {
  let state: OrderStreamState = null;
  for (const event of events) state = evolve(state, event);
  return state;
};

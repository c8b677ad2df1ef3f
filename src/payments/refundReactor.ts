import { handleCommand, type Decider } from '../commands/handleCommand.ts';
import type { OrderCanceled } from '../domain/order/events.ts';
import type { EventStore, RecordedEvent } from '../eventstore/eventStore.ts';
import type { PaymentGateway, RequestedRefund } from './gateway.ts';
import type { LoadOrder } from './orderFacts.ts';

/**
 * Reacts to `OrderCanceled { refundDue: true }` by asking the payment gateway for the refund.
 * Once per order: a `RefundRequested` event in stream `refund_request-<orderId>` (written once,
 * through the command handler) records that it was asked; before that, Stripe's idempotency key
 * (`refund-<orderId>`) makes a repeated request after a crash refund once. The money itself is
 * recorded on the order when Stripe reports it (`charge.refunded` → `RefundRecorded`).
 */

export const refundRequestStreamId = (orderId: string): string => `refund_request-${orderId}`;

export type RefundReaction = 'requested' | 'already_requested' | 'not_due';

export interface RefundReactor {
  /** Handles one recorded order event; anything but a refund-owing cancel is `not_due`. */
  react(event: RecordedEvent): Promise<RefundReaction>;
}

export function createRefundReactor(deps: {
  readonly eventStore: EventStore;
  readonly loadOrder: LoadOrder;
  readonly gateway: PaymentGateway;
  readonly now: () => Date;
}): RefundReactor {
  return {
    async react(event) {
      if (event.type !== 'OrderCanceled' || (event.data as unknown as OrderCanceled).refundDue !== true)
        return 'not_due';
      const orderId = (event.data as unknown as OrderCanceled).orderId;
      const marker = refundRequestStreamId(orderId);
      if ((await deps.eventStore.readStream(marker, { maxCount: 1 })).version > 0) return 'already_requested';

      const { state: order } = await deps.loadOrder(orderId);
      const payment = order?.payment;
      // Without a payment intent there is nothing Stripe could refund: recorded, so operators see it.
      if (!order || !payment?.paymentIntentId)
        return recordRequest(deps, orderId, { refundId: 'none', status: 'no_payment_intent' });
      const refund = await deps.gateway.requestRefund({
        orderId,
        userId: order.ownerId,
        paymentIntentId: payment.paymentIntentId,
        amountCents: payment.amountCents,
        currency: payment.currency,
      });
      return recordRequest(deps, orderId, refund);
    },
  };
}

interface RecordRefundRequest {
  readonly orderId: string;
  readonly refund: RequestedRefund;
  readonly now: Date;
}
interface RefundRequested {
  readonly type: 'RefundRequested';
  readonly orderId: string;
  readonly refundId: string;
  readonly status: string;
  readonly requestedAt: string;
}

/** The marker stream's rule: a refund is recorded as requested once; after that nothing changes. */
const refundRequestDecider: Decider<boolean, RecordRefundRequest, RefundRequested> = {
  initialState: () => false,
  evolve: () => true,
  decide: ({ orderId, refund, now }, requested) =>
    requested
      ? []
      : [
          {
            type: 'RefundRequested',
            orderId,
            refundId: refund.refundId,
            status: refund.status,
            requestedAt: now.toISOString(),
          },
        ],
};

async function recordRequest(
  deps: { readonly eventStore: EventStore; readonly now: () => Date },
  orderId: string,
  refund: RequestedRefund,
): Promise<RefundReaction> {
  // The stream was empty a moment ago: the first attempt appends at version 0 without reading again,
  // and one that loses to another reactor reads, finds the request recorded and writes nothing.
  const { events } = await handleCommand(
    deps.eventStore,
    refundRequestStreamId(orderId),
    refundRequestDecider,
    { orderId, refund, now: deps.now() },
    { streamIsNew: true },
  );
  return events.length > 0 ? 'requested' : 'already_requested';
}

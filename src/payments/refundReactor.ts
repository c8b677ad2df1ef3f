import { isAppError } from '../domain/errors.ts';
import type { OrderCanceled } from '../domain/order/events.ts';
import type { EventStore, RecordedEvent } from '../eventstore/eventStore.ts';
import type { PaymentGateway, RequestedRefund } from './gateway.ts';
import type { LoadOrder } from './orderFacts.ts';

/**
 * Reacts to `OrderCanceled { refundDue: true }` by asking the payment gateway for the refund.
 * Once per order: a `RefundRequested` event in stream `refund_request-<orderId>` (appended
 * `no_stream`) records that it was asked; before that, Stripe's idempotency key
 * (`refund-<orderId>`) makes a repeated request after a crash refund once. The money itself is
 * recorded on the order when Stripe reports it (`charge.refunded` → `RefundRecorded`).
 */

export const refundRequestStreamId = (orderId: string): string => `refund_request-${orderId}`;

export type RefundReaction = 'requested' | 'already_requested' | 'not_due';

export interface RefundReactor {
  /** Handles one recorded order event; anything but a refund-owing cancel is `not_due`. */
  react(event: RecordedEvent): Promise<RefundReaction>;
}

export function createRefundReactor(deps: { readonly eventStore: EventStore; readonly loadOrder: LoadOrder; readonly gateway: PaymentGateway; readonly now: () => Date }): RefundReactor {
  return {
    async react(event) {
      if (event.type !== 'OrderCanceled' || (event.data as unknown as OrderCanceled).refundDue !== true) return 'not_due';
      const orderId = (event.data as unknown as OrderCanceled).orderId;
      const marker = refundRequestStreamId(orderId);
      if ((await deps.eventStore.readStream(marker, { maxCount: 1 })).version > 0) return 'already_requested';

      const { state: order } = await deps.loadOrder(orderId);
      const payment = order?.payment;
      // Without a payment intent there is nothing Stripe could refund: recorded, so operators see it.
      if (!order || !payment?.paymentIntentId) return recordRequest(deps, orderId, { refundId: 'none', status: 'no_payment_intent' });
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

async function recordRequest(deps: { readonly eventStore: EventStore; readonly now: () => Date }, orderId: string, refund: RequestedRefund): Promise<RefundReaction> {
  try {
    const result = await deps.eventStore.appendToStream(
      refundRequestStreamId(orderId),
      [{ id: crypto.randomUUID(), type: 'RefundRequested', data: { orderId, refundId: refund.refundId, status: refund.status, requestedAt: deps.now().toISOString() } }],
      { expectedVersion: 'no_stream' },
    );
    return result.duplicate ? 'already_requested' : 'requested';
  } catch (error) {
    if (isAppError(error) && error.code === 'VERSION_CONFLICT') return 'already_requested';
    throw error;
  }
}

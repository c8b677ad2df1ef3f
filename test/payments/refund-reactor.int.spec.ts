import { describe, expect, it } from 'vitest';
import type { RefundRequest } from '../../src/payments/gateway.ts';
import { createRefundReactor, refundRequestStreamId } from '../../src/payments/refundReactor.ts';
import { placePaidOrder } from '../support/paid-order.ts';
import { perSuite } from '../support/suite.ts';
import { operator, orderHarness, orderInput, TOTAL_CENTS } from '../commands/order/support.ts';

const h = perSuite(orderHarness);

/** A paid order an operator canceled: its cancel owes the customer a refund. */
async function canceledPaidOrder() {
  const { orderId } = await placePaidOrder(h.orders, orderInput(), { paymentIntentId: 'pi_refund' });
  await h.orders.cancelOrder(orderId, { reason: 'Printer broke' }, { actor: operator });
  const canceled = (await h.store.readStream(`order-${orderId}`)).events.find((e) => e.type === 'OrderCanceled')!;
  expect(canceled.data).toMatchObject({ refundDue: true });
  return { orderId, canceled };
}

describe('the refund reactor', () => {
  it('records a refund request once when two reactors see the same cancel at once', async () => {
    const { orderId, canceled } = await canceledPaidOrder();
    const asked: RefundRequest[] = [];
    const gateway = {
      simulated: true,
      openCheckout: () => Promise.reject(new Error('not used')),
      requestRefund: (request: RefundRequest) => (
        asked.push(request),
        Promise.resolve({ refundId: 're_1', status: 'pending' })
      ),
    };
    const reactor = createRefundReactor({
      eventStore: h.store,
      loadOrder: (id) => h.orders.load(id),
      gateway,
      now: () => h.clock.now(),
    });

    const outcomes = await Promise.all([reactor.react(canceled), reactor.react(canceled)]);
    expect(outcomes.sort()).toEqual(['already_requested', 'requested']);
    expect(await reactor.react(canceled)).toBe('already_requested');

    const { version, events } = await h.store.readStream(refundRequestStreamId(orderId));
    expect(version).toBe(1);
    expect(events[0]).toMatchObject({
      type: 'RefundRequested',
      data: { orderId, refundId: 're_1', status: 'pending', requestedAt: h.clock.now().toISOString() },
    });
    expect(
      asked.every((request) => request.paymentIntentId === 'pi_refund' && request.amountCents === TOTAL_CENTS),
    ).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { refundRequestStreamId } from '../../src/payments/refundReactor.ts';
import { newId, request, waitFor } from '../support/http.ts';
import { placeRestOrder, sessionCompleted } from '../support/rest-order.ts';
import { perSuite } from '../support/suite.ts';
import { openStack, orderBody } from '../support/stack.ts';
import { deliver } from '../webhooks/deliver.ts';

describe('refunds owed by an operator’s cancel of a paid order', () => {
  const stack = perSuite(() => openStack({ payments: 'stripe' }));

  async function paidOrder() {
    const { orderId, ...order } = await placeRestOrder(stack);
    const paymentIntent = `pi_${orderId.replaceAll('-', '').slice(0, 16)}`;
    await deliver(stack.url, sessionCompleted({ orderId, ...order }, paymentIntent));
    await waitFor(async () => expect((await stack.commands.load(orderId)).state?.orderStatus).toBe('submitted'));
    return { orderId, paymentIntent };
  }
  const refundCalls = (orderId: string) =>
    stack.fake!.requests.filter(
      (r) => r.path === '/v1/refunds' && r.headers['idempotency-key'] === `refund-${orderId}`,
    );

  it('keeps asking while Stripe fails, with the same idempotency key, and records the request once', async () => {
    const order = await paidOrder();
    // The SDK tries 3 times per request; 4 failures make the reactor's first attempt fail and its retry succeed.
    stack.fake!.failNext('/v1/refunds', 500, 4);
    const canceled = await request(stack.url, 'PATCH', `/api/production/${order.orderId}`, {
      token: stack.operator,
      body: { status: 'canceled', message: 'Printer broke' },
    });
    expect(canceled.status).toBe(200);
    await waitFor(
      async () => expect((await stack.store.readStream(refundRequestStreamId(order.orderId))).version).toBe(1),
      15_000,
    );
    const calls = refundCalls(order.orderId);
    expect(calls.length).toBe(5);
    expect(calls.every((call) => call.params.payment_intent === order.paymentIntent)).toBe(true);
    const { events } = await stack.store.readStream(refundRequestStreamId(order.orderId));
    expect(events[0]).toMatchObject({
      type: 'RefundRequested',
      data: { orderId: order.orderId, refundId: expect.stringMatching(/^re_/) },
    });
  });

  it('does not ask for a refund when the canceled order was never paid', async () => {
    const userId = newId();
    const created = await request(stack.url, 'POST', '/api/production', {
      token: await stack.token(userId),
      body: orderBody(),
    });
    const orderId: string = created.body.orderId;
    const canceled = await request(stack.url, 'PATCH', `/api/production/${orderId}`, {
      token: stack.operator,
      body: { status: 'canceled', message: 'Duplicate order' },
    });
    expect(canceled.status).toBe(200);
    // A later paid order's refund shows the reactor has gone past this cancel.
    const later = await paidOrder();
    await request(stack.url, 'PATCH', `/api/production/${later.orderId}`, {
      token: stack.operator,
      body: { status: 'canceled', message: 'Customer changed mind' },
    });
    await waitFor(() => expect(refundCalls(later.orderId)).toHaveLength(1), 15_000);
    expect(refundCalls(orderId)).toHaveLength(0);
    expect((await stack.store.readStream(refundRequestStreamId(orderId))).version).toBe(0);
  });
});

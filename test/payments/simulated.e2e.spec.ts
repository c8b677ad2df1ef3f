import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../http/harness.ts';
import { newUserId, ORDER_TOTAL_CENTS, orderBody, PUBLIC_BASE_URL, request, startStack, type Stack } from '../rest/harness.ts';

describe('simulated payments (no STRIPE_SECRET_KEY)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ simulated: true });
  });
  afterAll(() => stack.close());

  async function placeOrder() {
    const userId = newUserId();
    const token = await stack.token(userId);
    const created = await request(stack.url, 'POST', '/api/production', { token, body: orderBody() });
    expect(created.status).toBe(201);
    return { ...(created.body as { orderId: string; checkoutUrl: string; reference: string }), token };
  }
  const pagePath = (checkoutUrl: string) => new URL(checkoutUrl).pathname;
  const pay = (checkoutUrl: string) => request(stack.url, 'POST', pagePath(checkoutUrl), { rawBody: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('points the checkout URL at the local page, which shows the order and a Pay button', async () => {
    const order = await placeOrder();
    const sessionId = `cs_sim_${order.orderId}`;
    expect(order.checkoutUrl).toBe(`${PUBLIC_BASE_URL}/checkout/simulated/${sessionId}`);
    const page = await request(stack.url, 'GET', pagePath(order.checkoutUrl));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain(order.reference);
    expect(page.body).toContain('Classic Cotton Tee - M');
    expect(page.body).toContain('Pay $90.00');
  });

  it('pays through our own webhook over HTTP, signed, then redirects to the success URL', async () => {
    const order = await placeOrder();
    const paid = await pay(order.checkoutUrl);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`${PUBLIC_BASE_URL}/order-success?order=${order.orderId}`);
    const events = await stack.orderEvents(order.orderId);
    expect(events.at(-1)).toMatchObject({ type: 'PaymentConfirmed', amountCents: ORDER_TOTAL_CENTS, currency: 'usd', stripeEventId: `evt_sim_completed_${order.orderId.replaceAll('-', '')}` });
    const shown = await waitFor(async () => {
      const answer = await request(stack.url, 'GET', `/api/production/${order.orderId}`, { token: order.token });
      expect(answer.body.order.status).toBe('Queued');
      return answer;
    });
    expect(shown.body.order.events.at(-1).message).toBe('Payment confirmed, order queued for production');
  });

  it('does not charge twice: a second Pay goes back to the order and writes nothing', async () => {
    const order = await placeOrder();
    await pay(order.checkoutUrl);
    const before = await stack.eventCount();
    const again = await pay(order.checkoutUrl);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`${PUBLIC_BASE_URL}/orders/${order.orderId}`);
    expect(await stack.eventCount()).toBe(before);
  });

  it('answers 404 for a session that is not an order’s', async () => {
    expect((await request(stack.url, 'GET', '/checkout/simulated/cs_sim_7b0c3a52-95c4-4c39-9f2d-3b1c1d8a0d11')).status).toBe(404);
    expect((await request(stack.url, 'GET', '/checkout/simulated/cs_test_abc')).status).toBe(404);
  });

  it('refunds a canceled paid order with a simulated charge.refunded through the same webhook', async () => {
    const order = await placeOrder();
    await pay(order.checkoutUrl);
    const operatorId = newUserId();
    stack.operators.add(operatorId);
    const canceled = await request(stack.url, 'PATCH', `/api/production/${order.orderId}`, { token: await stack.token(operatorId), body: { status: 'canceled', message: 'Out of stock' } });
    expect(canceled.status).toBe(200);
    await waitFor(async () => expect((await stack.orderEvents(order.orderId)).at(-1)).toMatchObject({ type: 'RefundRecorded', amountRefundedCents: ORDER_TOTAL_CENTS }));
  });
});

import { describe, expect, it } from 'vitest';
import { newId, request, waitFor } from '../../../../support/http.ts';
import { placeRestOrder, sessionCompleted, type RestOrder } from '../../../../support/rest-order.ts';
import { perSuite } from '../../../../support/suite.ts';
import { openStack, ORDER_TOTAL_CENTS, orderBody } from '../../../../support/stack.ts';
import { deliver } from '../../../../webhooks/deliver.ts';
import { refundedCharge, stripeEvent } from '../../../../webhooks/stripe-fixtures.ts';

describe('GET and PATCH /api/production/:id', () => {
  const stack = perSuite(() => openStack({ payments: 'stripe' }));

  const placeOrder = (body = orderBody()) => placeRestOrder(stack, body);
  async function pay(order: RestOrder) {
    expect((await deliver(stack.url, sessionCompleted(order, `pi_${order.orderId.slice(0, 8)}`))).status).toBe(200);
  }
  const get = (orderId: string, token: string, headers: Record<string, string> = {}) =>
    request(stack.url, 'GET', `/api/production/${orderId}`, { token, headers });
  const patch = (orderId: string, body: unknown, headers: Record<string, string> = {}, token = stack.operator) =>
    request(stack.url, 'PATCH', `/api/production/${orderId}`, { token, body, headers });
  const queued = async (orderId: string, token: string) =>
    waitFor(async () => {
      const answer = await get(orderId, token);
      expect(answer.body.order.orderStatus).toBe('submitted');
      return answer;
    });

  it('shows the owner the new order at once, with the seed’s values and the version as ETag', async () => {
    const order = await placeOrder();
    const answer = await get(order.orderId, order.token);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe('"2"');
    expect(answer.body.order).toMatchObject({
      id: order.orderId,
      reference: order.reference,
      status: 'Spec Review',
      orderStatus: 'draft',
      priority: 'Standard',
      imageUrl: 'https://cdn.example.com/designs/fox.png',
      garment: { id: 'classic-tee', title: 'Classic Cotton Tee', price: 18, priceCents: 1800 },
      lineItems: [
        { size: 'M', quantity: 2, technique: 'dtg', unitPriceCents: 1800 },
        { size: 'L', quantity: 3, technique: 'screen', unitPriceCents: 1800 },
      ],
      totalCents: ORDER_TOTAL_CENTS,
      currency: 'usd',
      version: 2,
      canceled: false,
    });
  });

  it('goes from POST through the Stripe webhook to Queued, with the seed’s timeline message', async () => {
    const order = await placeOrder(orderBody({ priority: 'rush' }));
    await pay(order);
    const answer = await queued(order.orderId, order.token);
    expect(answer.body.order).toMatchObject({
      status: 'Queued',
      orderStatus: 'submitted',
      priority: 'Rush',
      etaDays: 2,
      payment: { paidCents: ORDER_TOTAL_CENTS, mismatch: false },
    });
    expect(answer.body.order.events.at(-1)).toMatchObject({
      status: 'Queued',
      message: 'Payment confirmed, order queued for production',
      actor: { type: 'stripe' },
    });
    expect(answer.body.order.route.map((stop: { state: string }) => stop.state)).toEqual([
      'DONE',
      'CURRENT',
      'UPCOMING',
      'UPCOMING',
      'UPCOMING',
    ]);
  });

  it('hides an order from another customer exactly as a missing one', async () => {
    const order = await placeOrder();
    const stranger = await stack.token(newId());
    const theirs = await get(order.orderId, stranger);
    const missing = await get('7b0c3a52-95c4-4c39-9f2d-3b1c1d8a0d11', stranger);
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(theirs.body.detail.replace(order.orderId, 'ID')).toBe(
      missing.body.detail.replace('7b0c3a52-95c4-4c39-9f2d-3b1c1d8a0d11', 'ID'),
    );
    expect((await get(order.orderId, stack.operator)).status).toBe(200);
    expect((await request(stack.url, 'GET', `/api/production/${order.orderId}`)).status).toBe(401);
  });

  it('answers 304 when If-None-Match names the current version', async () => {
    const order = await placeOrder();
    const answer = await get(order.orderId, order.token, { 'if-none-match': '"2"' });
    expect(answer.status).toBe(304);
  });

  it('lets only operators PATCH', async () => {
    const order = await placeOrder();
    const answer = await patch(order.orderId, { notes: 'mine' }, {}, order.token);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('FORBIDDEN');
  });

  it('applies a change at the version in If-Match and answers the changed order with its new ETag', async () => {
    const order = await placeOrder();
    await pay(order);
    await queued(order.orderId, order.token);
    const answer = await patch(
      order.orderId,
      { status: 'approved', message: 'Spec looks good' },
      { 'if-match': '"3"' },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe('"4"');
    expect(answer.body.order).toMatchObject({ status: 'Printing', orderStatus: 'approved', version: 4 });
  });

  it('refuses a stale If-Match with 412 and writes nothing', async () => {
    const order = await placeOrder();
    const before = await stack.eventCount();
    const answer = await patch(order.orderId, { notes: 'late' }, { 'if-match': '"1"' });
    expect(answer.status).toBe(412);
    expect(answer.body).toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(await stack.eventCount()).toBe(before);
  });

  it('answers a repeated PATCH with the same Idempotency-Key as the first time, even with its old If-Match', async () => {
    const order = await placeOrder();
    const first = await patch(
      order.orderId,
      { notes: 'Use the blue ink' },
      { 'if-match': '"2"', 'idempotency-key': 'notes-1' },
    );
    expect(first.status).toBe(200);
    const before = await stack.eventCount();
    const again = await patch(
      order.orderId,
      { notes: 'Use the blue ink' },
      { 'if-match': '"2"', 'idempotency-key': 'notes-1' },
    );
    expect(again.status).toBe(200);
    expect(again.body.order.notes).toBe('Use the blue ink');
    expect(await stack.eventCount()).toBe(before);
  });

  it('refuses a malformed If-Match with 400', async () => {
    const order = await placeOrder();
    expect((await patch(order.orderId, { notes: 'x' }, { 'if-match': 'yesterday' })).status).toBe(400);
  });

  it('answers 409 ILLEGAL_TRANSITION for a step the lifecycle forbids', async () => {
    const order = await placeOrder();
    const skip = await patch(order.orderId, { status: 'approved' });
    expect(skip.status).toBe(409);
    expect(skip.body.code).toBe('ILLEGAL_TRANSITION');
    const unpaid = await patch(order.orderId, { status: 'submitted' });
    expect(unpaid.status).toBe(409);
  });

  it('answers 409 ORDER_ON_HOLD, and writes nothing of a request whose later change is refused', async () => {
    const order = await placeOrder();
    await pay(order);
    await queued(order.orderId, order.token);
    const before = await stack.eventCount();
    const answer = await patch(order.orderId, { priority: 'Hold', reason: 'Artwork check', status: 'approved' });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('ORDER_ON_HOLD');
    expect(await stack.eventCount()).toBe(before);
  });

  it('releases a hold and approves in one request', async () => {
    const order = await placeOrder(orderBody({ priority: 'hold' }));
    await pay(order);
    await queued(order.orderId, order.token);
    const answer = await patch(order.orderId, { priority: 'standard', status: 'approved' });
    expect(answer.status).toBe(200);
    expect(answer.body.order).toMatchObject({ priority: 'Standard', orderStatus: 'approved' });
  });

  it('lists every problem of a bad PATCH body in one 400', async () => {
    const order = await placeOrder();
    const answer = await patch(order.orderId, {
      status: 'shipped',
      priority: 'asap',
      notes: 'n'.repeat(2001),
      colour: 'red',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'colour',
      'notes',
      'priority',
      'status',
    ]);
    expect((await patch(order.orderId, {})).status).toBe(400);
  });

  it('asks Stripe once for a refund when an operator cancels a paid order, and records it when Stripe reports it', async () => {
    const order = await placeOrder();
    await pay(order);
    await queued(order.orderId, order.token);
    const canceled = await patch(order.orderId, { status: 'canceled', message: 'Customer asked by phone' });
    expect(canceled.status).toBe(200);
    expect(canceled.body.order).toMatchObject({ orderStatus: 'canceled', canceled: true });
    const refundRequests = () =>
      stack.fake!.requests.filter(
        (r) => r.path === '/v1/refunds' && r.headers['idempotency-key'] === `refund-${order.orderId}`,
      );
    await waitFor(() => expect(refundRequests()).toHaveLength(1));
    expect(refundRequests()[0]!.params).toMatchObject({ payment_intent: `pi_${order.orderId.slice(0, 8)}` });

    const charge = refundedCharge({
      orderId: order.orderId,
      paymentIntent: `pi_${order.orderId.slice(0, 8)}`,
      amount: ORDER_TOTAL_CENTS,
      amountRefunded: ORDER_TOTAL_CENTS,
    });
    expect((await deliver(stack.url, stripeEvent('charge.refunded', charge))).body).toMatchObject({
      outcome: 'applied',
    });
    const shown = await waitFor(async () => {
      const answer = await get(order.orderId, stack.operator);
      expect(answer.body.order.payment.refundedCents).toBe(ORDER_TOTAL_CENTS);
      return answer;
    });
    expect(shown.body.order.events.at(-1).message).toMatch(/Refund recorded/);
  });

  it('finds the order of a refunded charge without metadata through its payment intent', async () => {
    const order = await placeOrder();
    await pay(order);
    await queued(order.orderId, order.token);
    const charge = refundedCharge({
      paymentIntent: `pi_${order.orderId.slice(0, 8)}`,
      amount: ORDER_TOTAL_CENTS,
      amountRefunded: 1000,
    });
    const answer = await deliver(stack.url, stripeEvent('charge.refunded', charge));
    expect(answer.body).toMatchObject({ outcome: 'applied', reason: 'RefundRecorded' });
  });
});

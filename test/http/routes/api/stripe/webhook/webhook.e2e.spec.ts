import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWebhookInbox, inboxStreamId } from '../../../../../../src/webhooks/inbox.ts';
import { createStripeEventProcessor } from '../../../../../../src/webhooks/processor.ts';
import { newId, request, waitFor } from '../../../../../support/http.ts';
import { placeRestOrder } from '../../../../../support/rest-order.ts';
import { perSuite } from '../../../../../support/suite.ts';
import { openStack, ORDER_TOTAL_CENTS } from '../../../../../support/stack.ts';
import { deliver } from '../../../../../webhooks/deliver.ts';
import { checkoutSession, refundedCharge, stripeEvent } from '../../../../../webhooks/stripe-fixtures.ts';

describe('the Stripe webhook', () => {
  const stack = perSuite(() => openStack({ payments: 'stripe' }));

  /** A draft order placed over REST, with its Checkout session. */
  const placeOrder = () => placeRestOrder(stack);
  const paidEvent = (
    o: { orderId: string; userId: string; sessionId: string },
    amountTotal = ORDER_TOTAL_CENTS,
    currency = 'usd',
  ) =>
    stripeEvent(
      'checkout.session.completed',
      checkoutSession({ ...o, amountTotal, currency, paymentIntent: `pi_${randomUUID().slice(0, 8)}` }),
    );
  const types = async (orderId: string) => (await stack.orderEvents(orderId)).map((e) => e.type);
  const statusOf = async (orderId: string) => (await stack.commands.load(orderId)).state?.orderStatus;

  describe('refuses a delivery whose signature does not hold, before reading it', () => {
    it.each([
      ['signed with another secret', { secret: 'whsec_forged_by_someone' }],
      ['signed more than 300 seconds ago', { timestamp: Math.floor(Date.now() / 1000) - 301 }],
      ['without a signature', { signature: '' }],
    ])('a delivery %s is 400 problem+json and records nothing', async (_, options) => {
      const order = await placeOrder();
      const before = await stack.eventCount();
      const answer = await deliver(stack.url, paidEvent(order), options);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({
        status: 400,
        code: 'BAD_USER_INPUT',
        errors: [{ path: 'stripe-signature' }],
      });
      expect(await stack.eventCount()).toBe(before);
      expect(await statusOf(order.orderId)).toBe('draft');
    });

    it('a body re-serialised after signing is 400 and records nothing', async () => {
      const order = await placeOrder();
      const event = paidEvent(order);
      const before = await stack.eventCount();
      const answer = await deliver(stack.url, event, { body: JSON.stringify(event) });
      expect(answer.status).toBe(400);
      expect(await stack.eventCount()).toBe(before);
      expect((await stack.store.readStream(inboxStreamId(event.id))).version).toBe(0);
    });
  });

  it('records 20 concurrent deliveries of one event once, with one payment', async () => {
    const order = await placeOrder();
    const event = paidEvent(order);
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(stack.url, event)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(new Set(answers.map((a): unknown => a.body.outcome))).toEqual(new Set(['applied']));
    expect((await types(order.orderId)).filter((t) => t === 'PaymentConfirmed')).toHaveLength(1);
    expect((await stack.store.readStream(inboxStreamId(event.id))).version).toBe(1);
  });

  it('records an event once even when two server processes race it (no shared memory, only the store)', async () => {
    const order = await placeOrder();
    const event = paidEvent(order);
    const processorOf = () =>
      createStripeEventProcessor({
        inbox: createWebhookInbox(stack.store),
        execute: (command) => stack.commands.execute(command),
        orderIdForPaymentIntent: () => Promise.resolve(undefined),
        now: () => new Date(),
      });
    const [a, b] = [processorOf(), processorOf()];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).process(event)));
    expect(results.filter((r) => r.status === 'recorded')).toHaveLength(1);
    expect((await types(order.orderId)).filter((t) => t === 'PaymentConfirmed')).toHaveLength(1);
    expect((await stack.store.readStream(inboxStreamId(event.id))).version).toBe(1);
  });

  it('answers a later repeat 200 as a duplicate and changes nothing', async () => {
    const order = await placeOrder();
    const event = paidEvent(order);
    await deliver(stack.url, event);
    const before = await stack.eventCount();
    const again = await deliver(stack.url, event);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: true, duplicate: true, outcome: 'applied', reason: 'PaymentConfirmed' });
    expect(await stack.eventCount()).toBe(before);
  });

  it.each([
    ['completed unpaid, then async succeeded', ['unpaid', 'succeeded'], 'submitted', ['PaymentConfirmed']],
    ['completed unpaid, then async failed', ['unpaid', 'failed'], 'draft', ['PaymentFailed']],
  ] as const)(
    'reaches Stripe’s end state whatever order the events of "%s" arrive in, repeats included',
    async (_, script, endState, effects) => {
      for (let round = 0; round < 4; round++) {
        const order = await placeOrder();
        const session = (paymentStatus: 'paid' | 'unpaid') =>
          checkoutSession({ ...order, amountTotal: ORDER_TOTAL_CENTS, paymentStatus, paymentIntent: 'pi_async' });
        const events = script.map((step) =>
          step === 'unpaid'
            ? stripeEvent('checkout.session.completed', session('unpaid'))
            : step === 'succeeded'
              ? stripeEvent('checkout.session.async_payment_succeeded', session('paid'))
              : stripeEvent('checkout.session.async_payment_failed', session('unpaid')),
        );
        const deliveries = [...events, ...events, events[0]!].sort(() => Math.random() - 0.5);
        for (const event of deliveries) expect((await deliver(stack.url, event)).status).toBe(200);
        expect(await statusOf(order.orderId)).toBe(endState);
        const written = (await types(order.orderId)).slice(2);
        expect(written).toEqual(effects);
      }
    },
  );

  it('ignores checkout.session.expired after the payment: the order stays submitted', async () => {
    const order = await placeOrder();
    await deliver(stack.url, paidEvent(order));
    const expired = await deliver(
      stack.url,
      stripeEvent(
        'checkout.session.expired',
        checkoutSession({ ...order, paymentStatus: 'unpaid', status: 'expired' }),
      ),
    );
    expect(expired.status).toBe(200);
    expect(expired.body).toMatchObject({
      duplicate: false,
      outcome: 'ignored',
      reason: expect.stringContaining('ILLEGAL_TRANSITION'),
    });
    expect(await statusOf(order.orderId)).toBe('submitted');
  });

  it('cancels a still-draft order when its session expires', async () => {
    const order = await placeOrder();
    const answer = await deliver(
      stack.url,
      stripeEvent(
        'checkout.session.expired',
        checkoutSession({ ...order, paymentStatus: 'unpaid', status: 'expired' }),
      ),
    );
    expect(answer.body).toMatchObject({ outcome: 'applied', reason: 'OrderCanceled' });
    expect(await statusOf(order.orderId)).toBe('canceled');
    expect((await stack.commands.load(order.orderId)).state?.cancelation).toMatchObject({
      by: 'stripe',
      refundDue: false,
    });
  });

  it.each([
    ['an amount below the total', ORDER_TOTAL_CENTS - 1, 'usd'],
    ['another currency', ORDER_TOTAL_CENTS, 'eur'],
  ])('flags %s for operators and does not submit the order', async (_, amount, currency) => {
    const order = await placeOrder();
    const answer = await deliver(stack.url, paidEvent(order, amount, currency));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'applied', reason: expect.stringContaining('flagged') });
    const events = await stack.orderEvents(order.orderId);
    expect(events.at(-1)).toMatchObject({
      type: 'PaymentMismatchFlagged',
      amountCents: amount,
      currency,
      expectedAmountCents: ORDER_TOTAL_CENTS,
      expectedCurrency: 'usd',
    });
    expect(await statusOf(order.orderId)).toBe('draft');
    // Operators see the flag on the order.
    const operatorToken = stack.operator;
    await waitFor(async () => {
      const shown = await request(stack.url, 'GET', `/api/production/${order.orderId}`, { token: operatorToken });
      expect(shown.body.order).toMatchObject({ orderStatus: 'draft', payment: { mismatch: true } });
    });
  });

  it('answers 200 for an order nobody knows and records why it was ignored', async () => {
    const event = paidEvent({ orderId: randomUUID(), userId: newId(), sessionId: 'cs_test_unknown' });
    const answer = await deliver(stack.url, event);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('NOT_FOUND') });
    const { events } = await stack.store.readStream(inboxStreamId(event.id));
    expect(events[0]?.data).toMatchObject({
      stripeEventId: event.id,
      outcome: 'ignored',
      stripeEventType: 'checkout.session.completed',
    });
  });

  it('records an event type it does not handle as ignored', async () => {
    const answer = await deliver(stack.url, stripeEvent('plan.created', { id: 'price_1', object: 'plan' }));
    expect(answer.body).toMatchObject({ outcome: 'ignored', reason: 'event type plan.created is not handled' });
  });

  it('records a refund Stripe reports on a paid order, found through the charge metadata', async () => {
    const order = await placeOrder();
    const paid = paidEvent(order);
    await deliver(stack.url, paid);
    const paymentIntent = (paid.data.object as { payment_intent: string }).payment_intent;
    const charge = refundedCharge({
      orderId: order.orderId,
      paymentIntent,
      amount: ORDER_TOTAL_CENTS,
      amountRefunded: ORDER_TOTAL_CENTS,
    });
    const answer = await deliver(stack.url, stripeEvent('charge.refunded', charge));
    expect(answer.body).toMatchObject({ outcome: 'applied', reason: 'RefundRecorded' });
    expect((await stack.orderEvents(order.orderId)).at(-1)).toMatchObject({
      type: 'RefundRecorded',
      chargeId: charge.id,
      amountRefundedCents: ORDER_TOTAL_CENTS,
    });
  });
});

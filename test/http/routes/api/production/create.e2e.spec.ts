import { describe, expect, it } from 'vitest';
import { graphql, newId, request, subscribeSse } from '../../../../support/http.ts';
import { perSuite } from '../../../../support/suite.ts';
import { openStack, ORDER_TOTAL_CENTS, orderBody, PUBLIC_BASE_URL } from '../../../../support/stack.ts';
import { deliver } from '../../../../webhooks/deliver.ts';
import { checkoutSession, stripeEvent } from '../../../../webhooks/stripe-fixtures.ts';

describe('placing a production order and paying it through Stripe', () => {
  const stack = perSuite(() => openStack({ payments: 'stripe' }));

  it('creates the draft order, opens exactly the specified Checkout session, and a paid webhook submits it, visible over GraphQL and to a subscriber', async () => {
    const userId = newId();
    const token = await stack.token(userId);
    const created = await request(stack.url, 'POST', '/api/production', {
      token,
      body: orderBody({ notes: 'Front print', priority: 'rush' }),
    });
    expect(created.status).toBe(201);
    const { orderId, reference, checkoutUrl } = created.body;
    expect(reference).toMatch(/^PO-\d{6}$/);
    expect(created.headers.get('location')).toBe(`/api/production/${orderId}`);

    const sent = stack.fake!.requests.filter(
      (r) => r.path === '/v1/checkout/sessions' && r.params.client_reference_id === orderId,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['idempotency-key']).toBe(`checkout-${orderId}`);
    expect(sent[0]!.params).toEqual({
      mode: 'payment',
      line_items: [
        {
          price_data: {
            currency: 'usd',
            unit_amount: '1800',
            product_data: { name: 'Classic Cotton Tee - M', images: ['https://cdn.example.com/designs/fox.png'] },
          },
          quantity: '2',
        },
        {
          price_data: {
            currency: 'usd',
            unit_amount: '1800',
            product_data: { name: 'Classic Cotton Tee - L', images: ['https://cdn.example.com/designs/fox.png'] },
          },
          quantity: '3',
        },
      ],
      metadata: { orderId, userId },
      payment_intent_data: { metadata: { orderId, userId } },
      client_reference_id: orderId,
      success_url: `${PUBLIC_BASE_URL}/order-success?order=${orderId}`,
      cancel_url: `${PUBLIC_BASE_URL}/orders/${orderId}`,
    });
    const sessionId = checkoutUrl.split('/').pop();
    expect(checkoutUrl).toBe(`https://checkout.stripe.com/c/pay/${sessionId}`);
    expect((await stack.orderEvents(orderId)).map((e) => e.type)).toEqual(['OrderCreated', 'CheckoutSessionOpened']);

    // A subscriber watching the order from before the payment is told of it.
    const subscription = await subscribeSse(
      stack.url,
      'subscription ($id: ID!) { orderUpdated(id: $id) { id status orderStatus events { status message } } }',
      { token, variables: { id: orderId } },
    );
    const updated = subscription.next();
    const paid = stripeEvent(
      'checkout.session.completed',
      checkoutSession({ orderId, userId, sessionId, amountTotal: ORDER_TOTAL_CENTS, paymentIntent: 'pi_e2e_1' }),
    );
    const answer = await deliver(stack.url, paid);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ received: true, duplicate: false, outcome: 'applied', reason: 'PaymentConfirmed' });
    const events = await stack.orderEvents(orderId);
    expect(events.map((e) => e.type)).toEqual(['OrderCreated', 'CheckoutSessionOpened', 'PaymentConfirmed']);
    expect(events[2]).toMatchObject({
      type: 'PaymentConfirmed',
      amountCents: ORDER_TOTAL_CENTS,
      currency: 'usd',
      paymentIntentId: 'pi_e2e_1',
      stripeEventId: paid.id,
      actor: { type: 'stripe' },
    });
    expect((await stack.commands.load(orderId)).state?.orderStatus).toBe('submitted');

    const update = await updated;
    expect(update.data.orderUpdated).toMatchObject({ id: orderId, status: 'QUEUED', orderStatus: 'SUBMITTED' });
    expect(update.data.orderUpdated.events.at(-1)).toMatchObject({
      status: 'QUEUED',
      message: 'Payment confirmed, order queued for production',
    });
    subscription.cancel();
    const queried = await graphql(
      stack.url,
      'query ($id: ID!) { order(id: $id) { status statusLabel orderStatus priority } }',
      { token, variables: { id: orderId } },
    );
    expect(queried.body.data.order).toEqual({
      status: 'QUEUED',
      statusLabel: 'Queued',
      orderStatus: 'SUBMITTED',
      priority: 'RUSH',
    });
  });
});

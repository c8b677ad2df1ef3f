import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutOrder } from '../../src/payments/checkoutSession.ts';
import { createStripeClient } from '../../src/payments/stripeClient.ts';
import { createStripeGateway } from '../../src/payments/stripeGateway.ts';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.ts';

const BASE = 'https://shop.example.com';

function order(overrides: Partial<CheckoutOrder> = {}): CheckoutOrder {
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    garment: { id: 'tee-classic', title: 'Classic Tee', priceCents: 1850, sizes: ['S', 'M', 'L'], imageUrl: null },
    designUrl: 'https://cdn.example.com/designs/wave.png',
    lineItems: [
      { id: randomUUID(), size: 'M', quantity: 3, technique: 'dtg', unitPriceCents: 1850 },
      { id: randomUUID(), size: 'L', quantity: 1, technique: 'screen', unitPriceCents: 1850 },
    ],
    currency: 'usd',
    totalCents: 7400,
    ...overrides,
  };
}

describe('the Stripe gateway against a fake Stripe', () => {
  let fake: FakeStripe;
  beforeAll(async () => {
    fake = await startFakeStripe();
  });
  afterAll(() => fake.close());
  const gateway = () =>
    createStripeGateway(createStripeClient({ secretKey: 'sk_test_gateway', apiBase: fake.url }), BASE);

  it('opens one Checkout session per order exactly as the contract specifies', async () => {
    const o = order();
    const opened = await gateway().openCheckout(o);
    const sent = fake.requests.filter(
      (r) => r.path === '/v1/checkout/sessions' && r.params.client_reference_id === o.orderId,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['idempotency-key']).toBe(`checkout-${o.orderId}`);
    expect(sent[0]!.headers.authorization).toBe('Bearer sk_test_gateway');
    expect(sent[0]!.params).toEqual({
      mode: 'payment',
      line_items: [
        {
          price_data: {
            currency: 'usd',
            unit_amount: '1850',
            product_data: { name: 'Classic Tee - M', images: ['https://cdn.example.com/designs/wave.png'] },
          },
          quantity: '3',
        },
        {
          price_data: {
            currency: 'usd',
            unit_amount: '1850',
            product_data: { name: 'Classic Tee - L', images: ['https://cdn.example.com/designs/wave.png'] },
          },
          quantity: '1',
        },
      ],
      metadata: { orderId: o.orderId, userId: o.userId },
      payment_intent_data: { metadata: { orderId: o.orderId, userId: o.userId } },
      client_reference_id: o.orderId,
      success_url: `${BASE}/order-success?order=${o.orderId}`,
      cancel_url: `${BASE}/orders/${o.orderId}`,
    });
    expect(opened.simulated).toBe(false);
    expect(opened.sessionId).toMatch(/^cs_test_/);
    expect(opened.checkoutUrl).toBe(`https://checkout.stripe.com/c/pay/${opened.sessionId}`);
  });

  it('gets the same session back when the same order is opened again', async () => {
    const o = order();
    const first = await gateway().openCheckout(o);
    const second = await gateway().openCheckout(o);
    expect(second).toEqual(first);
  });

  it('retries a Stripe 500 with the same idempotency key and succeeds', async () => {
    const o = order();
    fake.failNext('/v1/checkout/sessions', 500);
    const opened = await gateway().openCheckout(o);
    const sent = fake.requests.filter((r) => r.params.client_reference_id === o.orderId);
    expect(sent.length).toBe(2);
    expect(new Set(sent.map((r) => r.headers['idempotency-key']))).toEqual(new Set([`checkout-${o.orderId}`]));
    expect(opened.sessionId).toMatch(/^cs_test_/);
  });

  it('reports a Stripe that keeps failing as PAYMENT_PROVIDER_UNAVAILABLE', async () => {
    fake.failNext('/v1/checkout/sessions', 500, 3);
    await expect(gateway().openCheckout(order())).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
  });

  it('asks for a refund of the payment intent with an idempotency key from the order', async () => {
    const orderId = randomUUID();
    const userId = randomUUID();
    const refund = await gateway().requestRefund({
      orderId,
      userId,
      paymentIntentId: 'pi_123',
      amountCents: 7400,
      currency: 'usd',
    });
    await gateway().requestRefund({ orderId, userId, paymentIntentId: 'pi_123', amountCents: 7400, currency: 'usd' });
    const sent = fake.requests.filter(
      (r) => r.path === '/v1/refunds' && (r.params.metadata as { orderId?: string } | undefined)?.orderId === orderId,
    );
    expect(sent.map((r) => r.headers['idempotency-key'])).toEqual([`refund-${orderId}`, `refund-${orderId}`]);
    expect(sent[0]!.params).toEqual({
      payment_intent: 'pi_123',
      reason: 'requested_by_customer',
      metadata: { orderId, userId },
    });
    expect(refund.refundId).toMatch(/^re_/);
    expect(refund.status).toBe('succeeded');
  });
});

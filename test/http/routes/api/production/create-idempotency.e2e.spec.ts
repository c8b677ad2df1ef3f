import { describe, expect, it } from 'vitest';
import { newId, request } from '../../../../support/http.ts';
import { perSuite } from '../../../../support/suite.ts';
import { openStack, orderBody } from '../../../../support/stack.ts';

describe('POST /api/production with an Idempotency-Key', () => {
  const stack = perSuite(() => openStack({ payments: 'stripe' }));

  const post = async (userId: string, key: string, body = orderBody()) =>
    request(stack.url, 'POST', '/api/production', {
      token: await stack.token(userId),
      body,
      headers: { 'idempotency-key': key },
    });
  const sessionsFor = (orderId: string) =>
    stack.fake!.requests.filter((r) => r.path === '/v1/checkout/sessions' && r.params.client_reference_id === orderId);

  it('answers a repeat exactly as the first time, with one order and one Checkout session', async () => {
    const userId = newId();
    const first = await post(userId, 'order-attempt-1');
    const before = await stack.eventCount();
    const again = await post(userId, 'order-attempt-1');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await stack.eventCount()).toBe(before);
    expect(sessionsFor(first.body.orderId)).toHaveLength(1);
  });

  it('makes one order of five concurrent requests with the same key', async () => {
    const userId = newId();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(userId, 'double-click')));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const orderId = answers[0]!.body.orderId;
    expect((await stack.orderEvents(orderId)).map((e) => e.type)).toEqual(['OrderCreated', 'CheckoutSessionOpened']);
  });

  it('keeps the keys of different users apart', async () => {
    const a = await post(newId(), 'same-key');
    const b = await post(newId(), 'same-key');
    expect(a.body.orderId).not.toBe(b.body.orderId);
    expect(a.body.reference).not.toBe(b.body.reference);
  });

  it('refuses the same key with a different order, and writes nothing', async () => {
    const userId = newId();
    await post(userId, 'reused');
    const before = await stack.eventCount();
    const other = await post(userId, 'reused', orderBody({ sizes: [{ size: 'S', quantity: 9 }] }));
    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([
      { path: 'headers.idempotency-key', message: expect.stringContaining('different') },
    ]);
    expect(await stack.eventCount()).toBe(before);
  });

  it('answers 502 while Stripe is down, and a retry with the same key completes the same order', async () => {
    const userId = newId();
    stack.fake!.failNext('/v1/checkout/sessions', 503, 3);
    const down = await post(userId, 'stripe-down');
    expect(down.status).toBe(502);
    expect(down.body).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
    const retried = await post(userId, 'stripe-down');
    expect(retried.status).toBe(201);
    const events = await stack.orderEvents(retried.body.orderId);
    expect(events.map((e) => e.type)).toEqual(['OrderCreated', 'CheckoutSessionOpened']);
    expect(events[0]).toMatchObject({ reference: retried.body.reference });
  });
});

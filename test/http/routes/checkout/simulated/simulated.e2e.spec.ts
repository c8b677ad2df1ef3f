import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, request, waitFor } from '../../../../support/http.ts';
import { openStack, ORDER_TOTAL_CENTS, orderBody, PUBLIC_BASE_URL, type Stack } from '../../../../support/stack.ts';

describe('simulated payments (no STRIPE_SECRET_KEY)', () => {
  let stack: Stack;
  /** The app's log lines (info and up), to check what the access log shows. */
  const logLines: string[] = [];
  beforeAll(async () => {
    stack = await openStack({
      logger: { level: 'info', stream: { write: (line: string) => void logLines.push(line) } },
    });
  });
  afterAll(() => stack.close());

  async function placeOrder() {
    const userId = newId();
    const token = await stack.token(userId);
    const created = await request(stack.url, 'POST', '/api/production', { token, body: orderBody() });
    expect(created.status).toBe(201);
    return { ...(created.body as { orderId: string; checkoutUrl: string; reference: string }), token };
  }
  const pagePath = (checkoutUrl: string) => new URL(checkoutUrl).pathname;
  const pay = (checkoutUrl: string) =>
    request(stack.url, 'POST', pagePath(checkoutUrl), {
      rawBody: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  const SESSION_URL = /^https:\/\/prints\.example\.com\/checkout\/simulated\/(cs_sim_[0-9a-f]{32}_[A-Za-z0-9_-]{43})$/;
  /** The order's status as its owner reads it through the API. */
  const orderStatusOf = async (orderId: string, token: string) => {
    const answer = await request(stack.url, 'GET', `/api/production/${orderId}`, { token });
    expect(answer.status).toBe(200);
    return answer.body.order.orderStatus as string;
  };

  it('points the checkout URL at the local page under the session recorded on the order, which shows the order and a Pay button', async () => {
    const order = await placeOrder();
    const sessionId = SESSION_URL.exec(order.checkoutUrl)?.[1];
    expect(sessionId).toBeDefined();
    expect(sessionId).not.toContain(order.orderId);
    expect((await stack.orderEvents(order.orderId)).find((e) => e.type === 'CheckoutSessionOpened')).toMatchObject({
      sessionId,
      checkoutUrl: order.checkoutUrl,
      simulated: true,
    });
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
    expect(events.at(-1)).toMatchObject({
      type: 'PaymentConfirmed',
      amountCents: ORDER_TOTAL_CENTS,
      currency: 'usd',
      stripeEventId: `evt_sim_completed_${order.orderId.replaceAll('-', '')}`,
    });
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
    expect(
      (await request(stack.url, 'GET', '/checkout/simulated/cs_sim_7b0c3a52-95c4-4c39-9f2d-3b1c1d8a0d11')).status,
    ).toBe(404);
    expect((await request(stack.url, 'GET', '/checkout/simulated/cs_test_abc')).status).toBe(404);
  });

  it('pays only at the recorded URL: a guessed or another order’s session is answered as a missing one and the order stays a draft', async () => {
    const order = await placeOrder();
    const other = await placeOrder();
    const recorded = SESSION_URL.exec(order.checkoutUrl)?.[1] ?? '';
    const compact = order.orderId.replaceAll('-', '');
    const missing = await pay(
      `${PUBLIC_BASE_URL}/checkout/simulated/cs_sim_${randomUUID().replaceAll('-', '')}_${randomBytes(32).toString('base64url')}`,
    );
    expect(missing.status).toBe(404);
    const before = await stack.eventCount();
    const guesses = [
      `cs_sim_${order.orderId}`,
      `cs_sim_${compact}`,
      `cs_sim_${compact}_${randomBytes(32).toString('base64url')}`,
      `cs_sim_${compact}_${'A'.repeat(43)}`,
      `${recorded.slice(0, -1)}${recorded.endsWith('A') ? 'B' : 'A'}`,
      // The other order's secret under this order's id: a session is good for its own order only.
      `cs_sim_${compact}_${(SESSION_URL.exec(other.checkoutUrl)?.[1] ?? '').slice(-43)}`,
      `cs_sim_${randomBytes(32).toString('base64url')}`,
      'junk',
    ];
    for (const guess of guesses) {
      const path = `/checkout/simulated/${encodeURIComponent(guess)}`;
      const paid = await pay(`${PUBLIC_BASE_URL}${path}`);
      expect({ guess, status: paid.status, body: paid.body }).toEqual({
        guess,
        status: missing.status,
        body: missing.body,
      });
      const page = await request(stack.url, 'GET', path);
      expect({ guess, status: page.status, body: page.body }).toEqual({
        guess,
        status: missing.status,
        body: missing.body,
      });
    }
    expect(await stack.eventCount()).toBe(before);
    expect(await orderStatusOf(order.orderId, order.token)).toBe('draft');
    expect(await orderStatusOf(other.orderId, other.token)).toBe('draft');

    expect((await pay(order.checkoutUrl)).status).toBe(303);
    await waitFor(async () => expect(await orderStatusOf(order.orderId, order.token)).toBe('submitted'));
    expect(await orderStatusOf(other.orderId, other.token)).toBe('draft');
  });

  it('keeps one session per order: repeated and racing checkout creations answer the recorded one', async () => {
    const userId = newId();
    const created = await stack.commands.createOrder(
      {
        designUrl: 'https://cdn.example.com/designs/fox.png',
        garmentId: 'classic-tee',
        sizes: [{ size: 'M', quantity: 1 }],
      },
      { actor: { type: 'customer', id: userId } },
    );
    const { orderId } = created;
    const opened = await Promise.all(
      Array.from({ length: 5 }, () => stack.first.runtime.payments.checkout.open(orderId)),
    );
    const again = await stack.first.runtime.payments.checkout.open(orderId);
    const urls = new Set([...opened, again].map((o) => o.checkoutUrl));
    expect(urls.size).toBe(1);
    expect([...urls][0]).toMatch(SESSION_URL);
    expect((await stack.orderEvents(orderId)).filter((e) => e.type === 'CheckoutSessionOpened')).toHaveLength(1);
  });

  it('answers a retried keyed create with the same checkout URL, also when the retries race', async () => {
    const token = await stack.token(newId());
    const post = () =>
      request(stack.url, 'POST', '/api/production', {
        token,
        body: orderBody(),
        headers: { 'idempotency-key': 'pay-once' },
      });
    const answers = await Promise.all(Array.from({ length: 5 }, post));
    answers.push(await post());
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.checkoutUrl as string)).size).toBe(1);
    expect(answers[0]!.body.checkoutUrl).toMatch(SESSION_URL);
  });

  it('keeps the session id out of the access log', async () => {
    const order = await placeOrder();
    const sessionId = SESSION_URL.exec(order.checkoutUrl)?.[1] ?? '';
    const from = logLines.length;
    expect((await request(stack.url, 'GET', pagePath(order.checkoutUrl))).status).toBe(200);
    expect((await pay(order.checkoutUrl)).status).toBe(303);
    const logged = logLines.slice(from).join('');
    expect(logged).toContain('"url":"/checkout/simulated/[session]"');
    expect(logged).toContain('"url":"/api/stripe/webhook"');
    expect(logged).not.toContain(sessionId.slice(-43));
  });

  it('looks like the product: a main landmark, a heading, the reference, items, total and a labelled Pay button, styled from this server only', async () => {
    const order = await placeOrder();
    const page = await request(stack.url, 'GET', pagePath(order.checkoutUrl));
    const html = page.body as string;
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toMatch(/<main>[\s\S]*<h1>Order PO-\d+<\/h1>[\s\S]*<\/main>/);
    expect(html).toContain('<th scope="row">Classic Cotton Tee - L</th>');
    expect(html).toMatch(/Total \(USD\)<\/th><td class="num">\$90\.00<\/td>/);
    expect(html).toContain(`<form method="post" action="${pagePath(order.checkoutUrl)}">`);
    expect(html).toMatch(/<button type="submit" aria-describedby="simulated-notice">Pay \$90\.00<\/button>/);
    expect(html).toContain('id="simulated-notice"');
    expect(html).not.toMatch(/<script|<style|style=|<img|<iframe|@import|\son\w+=/i);
    // Every resource the page loads is this server's: the one stylesheet, by path.
    expect([...html.matchAll(/<link [^>]*href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '/checkout/simulated/style.css',
    ]);
    const css = await request(stack.url, 'GET', '/checkout/simulated/style.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.body).toContain('font-family: system-ui');
    expect(css.body).not.toMatch(/url\(|@import|https?:/);
  });

  it('refunds a canceled paid order with a simulated charge.refunded through the same webhook', async () => {
    const order = await placeOrder();
    await pay(order.checkoutUrl);
    const canceled = await request(stack.url, 'PATCH', `/api/production/${order.orderId}`, {
      token: stack.operator,
      body: { status: 'canceled', message: 'Out of stock' },
    });
    expect(canceled.status).toBe(200);
    await waitFor(async () =>
      expect((await stack.orderEvents(order.orderId)).at(-1)).toMatchObject({
        type: 'RefundRecorded',
        amountRefundedCents: ORDER_TOTAL_CENTS,
      }),
    );
  });
});

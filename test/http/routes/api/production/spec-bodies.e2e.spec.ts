import { describe, expect, it } from 'vitest';
import { newId, request, waitFor } from '../../../../support/http.ts';
import { placeRestOrder, sessionCompleted } from '../../../../support/rest-order.ts';
import { perSuite } from '../../../../support/suite.ts';
import { openStack, orderBody } from '../../../../support/stack.ts';
import { deliver } from '../../../../webhooks/deliver.ts';

/** The REST API as the spec writes it: its PATCH body, the list of orders, the catalog. */
describe('REST as the spec has it', () => {
  const stack = perSuite(() => openStack({ payments: 'stripe' }));

  /** An order of `owner`'s (a new customer's when not given). */
  const placeOrder = (owner?: { id: string; token: string }, body = orderBody()) => placeRestOrder(stack, body, owner);

  it('takes the spec’s PATCH body { priority: "hold", notes }: the hold gets a default reason, shown on the timeline', async () => {
    const order = await placeOrder();
    const { token } = order;
    expect((await deliver(stack.url, sessionCompleted(order, `pi_${order.orderId.slice(0, 8)}`))).status).toBe(200);
    await waitFor(async () =>
      expect(
        (await request(stack.url, 'GET', `/api/production/${order.orderId}`, { token })).body.order.orderStatus,
      ).toBe('submitted'),
    );

    const answer = await request(stack.url, 'PATCH', `/api/production/${order.orderId}`, {
      token: stack.operator,
      body: { priority: 'hold', notes: 'check the art' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.order).toMatchObject({
      priority: 'Hold',
      holdReason: 'On hold (no reason given)',
      notes: 'check the art',
    });
    expect(answer.body.order.events.at(-1).message).toContain('On hold (no reason given)');
  });

  it('lists the caller’s orders newest first, in pages, with the GraphQL filters; operators see everyone’s', async () => {
    const first = await placeOrder();
    const { token } = first;
    const owner = { id: first.userId, token };
    const second = await placeOrder(owner, orderBody({ priority: 'rush', notes: 'for the fair' }));
    const third = await placeOrder(owner);
    const other = await placeOrder();

    const page1 = await request(stack.url, 'GET', '/api/production?first=2', { token });
    expect(page1.status).toBe(200);
    expect(page1.body.orders.map((o: { id: string }) => o.id)).toEqual([third.orderId, second.orderId]);
    expect(page1.body.pageInfo.hasNextPage).toBe(true);
    const page2 = await request(
      stack.url,
      'GET',
      `/api/production?first=2&after=${encodeURIComponent(page1.body.pageInfo.endCursor)}`,
      { token },
    );
    expect(page2.body.orders.map((o: { id: string }) => o.id)).toEqual([first.orderId]);
    expect(page2.body.pageInfo.hasNextPage).toBe(false);

    const rush = await request(stack.url, 'GET', '/api/production?priority=Rush&status=draft', { token });
    expect(rush.body.orders.map((o: { id: string }) => o.id)).toEqual([second.orderId]);
    const searched = await request(stack.url, 'GET', '/api/production?search=fair', { token });
    expect(searched.body.orders.map((o: { reference: string }) => o.reference)).toEqual([second.reference]);

    const mine = await request(stack.url, 'GET', '/api/production?first=200', { token });
    expect(mine.body.orders.map((o: { id: string }) => o.id)).not.toContain(other.orderId);
    const forbidden = await request(stack.url, 'GET', `/api/production?userId=${newId()}`, { token });
    expect(forbidden.status).toBe(403);
    const everyone = await request(stack.url, 'GET', `/api/production?userId=${first.userId}`, {
      token: stack.operator,
    });
    expect(everyone.body.orders).toHaveLength(3);
  });

  it('refuses a bad list query with every invalid parameter named', async () => {
    const token = await stack.token(newId());
    const answer = await request(stack.url, 'GET', '/api/production?status=shipped&first=0&createdFrom=yesterday', {
      token,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('BAD_USER_INPUT');
    expect(answer.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'query.createdFrom',
      'query.first',
      'query.status.0',
    ]);
    expect((await request(stack.url, 'GET', '/api/production')).status).toBe(401);
  });

  it('serves the catalog to anyone at GET /api/garments', async () => {
    const answer = await request(stack.url, 'GET', '/api/garments');
    expect(answer.status).toBe(200);
    expect(answer.body.garments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'classic-tee', title: 'Classic Cotton Tee', price: 18, priceCents: 1800 }),
      ]),
    );
  });
});

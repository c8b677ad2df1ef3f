import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/domain/errors.ts';
import { PAYMENT_CONFIRMED_MESSAGE } from '../../../src/domain/order/index.ts';
import {
  findOrder,
  findOrderByReference,
  findOrderEvents,
  findOrders,
  findOrderSummaries,
  isOperator,
  listGarments,
  listOrders,
  type Queryable,
} from '../../../src/projections/index.ts';
import { ORDERS_CHANGED_AFTER } from '../../../src/projections/orders/queries.ts';
import { payOrder, STRIPE_ACTOR as stripe } from '../../support/paid-order.ts';
import { readModelSuite } from '../support.ts';

describe('order queries over the read model', () => {
  const fx = readModelSuite({ projector: true });
  const alice = { type: 'customer', id: randomUUID() } as const;
  const bob = { type: 'customer', id: randomUUID() } as const;
  let paidId = '';
  let draftId = '';

  beforeAll(async () => {
    const paid = await fx.commands.createOrder(
      {
        garmentId: 'pullover-hoodie',
        designUrl: 'https://cdn.example.com/fox.png',
        sizes: [
          { size: 'M', quantity: 3 },
          { size: 'L', quantity: 2, technique: 'screen' },
        ],
        priority: 'rush',
        notes: 'Blue ink only',
      },
      { actor: alice },
    );
    paidId = paid.orderId;
    await payOrder(fx.commands, paidId, paid.state.totalCents, {
      sessionId: 'cs_q1',
      paymentIntentId: 'pi_q1',
      stripeEventId: 'evt_q1',
    });
    draftId = (
      await fx.commands.createOrder(
        {
          garmentId: 'canvas-tote',
          designUrl: 'https://cdn.example.com/owl.png',
          sizes: [{ size: 'One Size', quantity: 10 }],
          priority: 'hold',
          holdReason: 'Check artwork',
        },
        { actor: bob },
      )
    ).orderId;
    await fx.caughtUp();
  });

  it('reads one order with its line items, timeline, garment and ETA, as the seed shows it', async () => {
    const now = new Date(Date.UTC(2025, 2, 4, 9));
    const order = await findOrder(fx.db.pool, paidId, { now });
    expect(order).toMatchObject({
      id: paidId,
      reference: expect.stringMatching(/^PO-\d{6}$/),
      notes: 'Blue ink only',
      status: 'Queued',
      orderStatus: 'submitted',
      priority: 'rush',
      imageUrl: 'https://cdn.example.com/fox.png',
      garment: { id: 'pullover-hoodie', title: 'Pullover Hoodie', priceCents: 4200, price: 42 },
      totalCents: 5 * 4200,
      currency: 'usd',
      canceled: false,
      version: 3,
      userId: alice.id,
      payment: { checkoutSessionId: 'cs_q1', paymentIntentId: 'pi_q1', paidCents: 21000, mismatch: false },
    });
    expect(order!.lineItems.map((i) => [i.size, i.quantity, i.technique])).toEqual([
      ['M', 3, 'dtg'],
      ['L', 2, 'screen'],
    ]);
    expect(order!.events.map((e) => [e.status, e.eventType])).toEqual([
      ['Spec Review', 'OrderCreated'],
      ['Spec Review', 'CheckoutSessionOpened'],
      ['Queued', 'PaymentConfirmed'],
    ]);
    expect(order!.events[2]).toMatchObject({ message: PAYMENT_CONFIRMED_MESSAGE, actor: stripe });
    // Rush: ready within 2 days of the payment; a day later, 1 (or 2, rounded up) days are left.
    expect(order!.etaAt).toBe(new Date(Date.parse(order!.reachedAt.submitted!) + 2 * 86_400_000).toISOString());
    expect(order!.etaDays).toBe(Math.ceil((Date.parse(order!.etaAt!) - now.getTime()) / 86_400_000));
    expect(order!.position).toMatch(/^\d+-\d+$/);

    const held = await findOrder(fx.db.pool, draftId);
    expect(held).toMatchObject({
      status: 'Spec Review',
      priority: 'hold',
      holdReason: 'Check artwork',
      etaAt: null,
      etaDays: 5,
    });
  });

  it("finds by reference, hides other customers' orders, and lists timeline entries after a version", async () => {
    const order = await findOrder(fx.db.pool, paidId);
    expect((await findOrderByReference(fx.db.pool, order!.reference))?.id).toBe(paidId);
    expect(await findOrder(fx.db.pool, paidId, { ownerId: bob.id })).toBeNull();
    expect(await findOrder(fx.db.pool, paidId, { ownerId: alice.id })).not.toBeNull();
    expect(await findOrder(fx.db.pool, 'not-a-uuid')).toBeNull();
    expect((await findOrderEvents(fx.db.pool, paidId, { afterVersion: 2 })).map((e) => e.eventType)).toEqual([
      'PaymentConfirmed',
    ]);
  });

  it('reads several orders at once, whole or as summaries without the timeline', async () => {
    const now = new Date();
    const ids = [paidId, draftId.toUpperCase(), randomUUID(), 'not-a-uuid'];
    const whole = await findOrders(fx.db.pool, ids, { now });
    const summaries = await findOrderSummaries(fx.db.pool, ids, { now });
    expect([...whole.keys()].sort()).toEqual([paidId, draftId].sort());
    expect([...summaries.keys()].sort()).toEqual([paidId, draftId].sort());
    for (const [id, order] of whole) {
      const { events, ...rest } = order;
      expect(events.length).toBeGreaterThan(0);
      expect(summaries.get(id)).toEqual(rest);
      expect(summaries.get(id)).not.toHaveProperty('events');
    }
  });

  it('lists newest first with filters and an opaque cursor', async () => {
    expect((await listOrders(fx.db.pool)).nodes.map((o) => o.id)).toEqual([draftId, paidId]);
    expect((await listOrders(fx.db.pool, { filter: { orderStatuses: ['submitted'] } })).nodes.map((o) => o.id)).toEqual(
      [paidId],
    );
    expect((await listOrders(fx.db.pool, { filter: { priorities: ['hold'] } })).nodes.map((o) => o.id)).toEqual([
      draftId,
    ]);
    expect((await listOrders(fx.db.pool, { filter: { search: 'blue INK' } })).nodes.map((o) => o.id)).toEqual([paidId]);
    const reference = (await findOrder(fx.db.pool, draftId))!.reference;
    expect(
      (await listOrders(fx.db.pool, { filter: { search: reference.slice(-4) } })).nodes.map((o) => o.id),
    ).toContain(draftId);
    expect((await listOrders(fx.db.pool, { filter: { search: '100%' } })).nodes).toEqual([]);
    expect((await listOrders(fx.db.pool, { ownerId: bob.id })).nodes.map((o) => o.id)).toEqual([draftId]);
    expect((await listOrders(fx.db.pool, { filter: { userId: alice.id } })).nodes.map((o) => o.id)).toEqual([paidId]);
    expect((await listOrders(fx.db.pool, { filter: { createdFrom: new Date('2100-01-01') } })).nodes).toEqual([]);

    const first = await listOrders(fx.db.pool, { first: 1 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await listOrders(fx.db.pool, { first: 1, after: first.pageInfo.endCursor! });
    expect(second.nodes.map((o) => o.id)).toEqual([paidId]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses bad list input with every problem named, reading nothing', async () => {
    const attempt = listOrders(fx.db.pool, {
      first: 0,
      filter: { orderStatuses: ['shipped' as never], userId: 'bob' },
    });
    await expect(attempt).rejects.toSatisfy(
      (error) => isAppError(error) && error.code === 'BAD_USER_INPUT' && error.details.fields?.length === 3,
    );
    await expect(listOrders(fx.db.pool, { after: 'garbage' })).rejects.toSatisfy(
      (error) => isAppError(error) && error.code === 'BAD_USER_INPUT',
    );
  });

  it('serves the garment catalog and operator flags', async () => {
    const garments = await listGarments(fx.db.pool);
    expect(garments.length).toBeGreaterThanOrEqual(5);
    expect(garments.find((g) => g.id === 'classic-tee')).toMatchObject({
      title: 'Classic Cotton Tee',
      priceCents: 1800,
      price: 18,
      sizes: expect.arrayContaining(['M']),
    });
    const userId = randomUUID();
    expect(await isOperator(fx.db.pool, userId)).toBe(false);
    await fx.db.pool.query('insert into user_profiles (user_id, is_operator) values ($1, true)', [userId]);
    expect(await isOperator(fx.db.pool, userId)).toBe(true);
  });

  it('answers every list shape, lookup and change catch-up from an index, never a sequential scan, on 30,000 orders', async () => {
    await fx.db.pool.query(`
      insert into production_orders (id, user_id, reference, status, notes, created_at, updated_at, priority, design_url, garment_id, garment,
        total_cents, eta_clock, version, position_commit, position_prepare)
      select gen_random_uuid(), (array[gen_random_uuid(), '${alice.id}'::uuid])[1 + (g % 2)], 'PO-' || lpad((900000 + g)::text, 6, '0'),
        (array['draft','submitted','approved','in_production','fulfilled','canceled'])[1 + g % 6], 'note ' || md5(g::text),
        timestamptz '2024-01-01' + g * interval '1 minute', now(), (array['rush','standard','hold'])[1 + g % 3], 'https://x/y.png', 'classic-tee',
        '{"id":"classic-tee","title":"T","priceCents":1800,"sizes":["M"],"imageUrl":null}', 1800,
        '{"tier":"standard","onHold":false,"paidAtMs":null,"pausedAtMs":null,"heldMs":0,"stoppedAtMs":null}', 1, g, g
      from generate_series(1, 30000) g;
      insert into fulfillment_events (id, order_id, stream_version, status, message, occurred_at, actor_type, actor_id, event_type, position_commit, position_prepare)
      select gen_random_uuid(), id, 1, 'Spec Review', 'Order created', created_at, 'customer', user_id::text, 'OrderCreated', position_commit, position_prepare from production_orders on conflict do nothing;
      insert into production_line_items (id, order_id, line_no, size, quantity, technique, unit_price_cents, created_at)
      select gen_random_uuid(), id, n, (array['S','M'])[n], 2, 'dtg', 1800, created_at from production_orders, generate_series(1, 2) n on conflict do nothing;
      analyze production_orders; analyze fulfillment_events; analyze production_line_items;`);
    const plans: string[] = [];
    // Runs each statement the query functions send under EXPLAIN instead, and keeps the plan.
    const explaining: Queryable = {
      // Named statements come as a config object: the plan is the same, so explain its text unnamed.
      query: (async (textOrConfig: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
        const [text, params] =
          typeof textOrConfig === 'string' ? [textOrConfig, values] : [textOrConfig.text, textOrConfig.values];
        const { rows } = await fx.db.pool.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${text}`, params);
        plans.push(JSON.stringify(rows[0]!['QUERY PLAN']));
        return { rows: [], rowCount: 0 };
      }) as never,
    };
    const anyOrder = (
      await fx.db.pool.query<{ id: string; reference: string; created_at: string }>(
        "select id, reference, to_json(created_at) #>> '{}' as created_at from production_orders order by created_at limit 1 offset 15000",
      )
    ).rows[0]!;
    const cursor = Buffer.from(`o1|${anyOrder.created_at}|${anyOrder.id}`).toString('base64url');
    await findOrder(explaining, anyOrder.id);
    await findOrderByReference(explaining, anyOrder.reference);
    await findOrderEvents(explaining, anyOrder.id);
    await listOrders(explaining);
    await listOrders(explaining, { after: cursor });
    await listOrders(explaining, { ownerId: alice.id, after: cursor });
    await listOrders(explaining, { filter: { orderStatuses: ['draft', 'approved'] } });
    await listOrders(explaining, { filter: { priorities: ['rush'] }, after: cursor });
    await listOrders(explaining, {
      filter: { createdFrom: new Date('2024-01-05'), createdTo: new Date('2024-01-06') },
    });
    await listOrders(explaining, { filter: { search: 'PO-9123' } });
    await listOrders(explaining, { filter: { search: 'note c4ca' } });
    await listOrders(explaining, { filter: { userId: alice.id, orderStatuses: ['canceled'], priorities: ['hold'] } });
    // What the change feed reads to catch up after a lost NOTIFY: the last few changes.
    await explaining.query(ORDERS_CHANGED_AFTER, ['29990', '0']);
    expect(plans).toHaveLength(13);
    for (const plan of plans) expect(plan).not.toContain('"Seq Scan"');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, type Json, newId } from '../../support/http.ts';
import { openStack, type Server, type Stack } from '../../support/stack.ts';

const ORDER = `id reference userId status statusLabel orderStatus priority etaDays etaAt version position totalCents currency canceled holdReason notes
  garment { id title price priceCents } lineItems { size quantity technique }
  events { status statusLabel message actor { type id } }
  route { id state reachedAt } allowedActions { action allowed reason code }`;

const CREATE = `mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { checkoutUrl order { ${ORDER} } } }`;
const newOrderInput = (overrides: Record<string, unknown> = {}) => ({
  designUrl: 'https://cdn.example.com/designs/fox.png',
  garmentId: 'classic-tee',
  sizes: [
    { size: 'M', quantity: 2 },
    { size: 'L', quantity: 3, technique: 'SCREEN' },
  ],
  ...overrides,
});

describe('orders over GraphQL', () => {
  let fx: Stack;
  let server: Server;
  let operator: string;

  beforeAll(async () => {
    fx = await openStack();
    server = fx.servers[0]!;
    operator = fx.operator;
  });
  afterAll(() => fx.close());

  const gql = (query: string, token: string | undefined, variables?: Record<string, unknown>) =>
    graphql(server.url, query, { ...(token ? { token } : {}), ...(variables ? { variables } : {}) });
  const codes = (body: { errors?: { extensions?: { code?: string } }[] }) =>
    (body.errors ?? []).map((e) => e.extensions?.code);

  async function placeOrder(token: string, overrides: Record<string, unknown> = {}) {
    const { body } = await gql(CREATE, token, { input: newOrderInput(overrides) });
    expect(body.errors).toBeUndefined();
    return body.data.createProductionOrder as { checkoutUrl: string; order: Record<string, Json> };
  }

  /** Pays through the simulated Checkout page, as a customer's browser would. */
  async function pay(checkoutUrl: string) {
    const response = await fetch(`${server.url}${new URL(checkoutUrl).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
  }

  async function paidOrder(token: string) {
    const placed = await placeOrder(token);
    await pay(placed.checkoutUrl);
    const id = placed.order.id as string;
    for (let i = 0; i < 100; i++) {
      const { body } = await gql(`{ order(id: "${id}") { ${ORDER} } }`, token);
      if (body.data?.order?.orderStatus === 'SUBMITTED') return body.data.order as Record<string, Json>;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the payment never reached the read model');
  }

  it('creates a draft order with server-side totals and answers it as the read model holds it', async () => {
    const customerId = newId();
    const placed = await placeOrder(await fx.token(customerId));
    expect(placed.checkoutUrl).toContain('/checkout/simulated/');
    expect(placed.order).toMatchObject({
      reference: expect.stringMatching(/^PO-\d{6}$/),
      userId: customerId,
      status: 'SPEC_REVIEW',
      statusLabel: 'Spec Review',
      orderStatus: 'DRAFT',
      priority: 'STANDARD',
      etaDays: 5,
      etaAt: null,
      totalCents: 9000,
      currency: 'usd',
      canceled: false,
      garment: { id: 'classic-tee', price: 18, priceCents: 1800 },
      lineItems: [
        { size: 'M', quantity: 2, technique: 'DTG' },
        { size: 'L', quantity: 3, technique: 'SCREEN' },
      ],
    });
    expect(placed.order.route.map((stop: { state: string }) => stop.state)).toEqual([
      'CURRENT',
      'UPCOMING',
      'UPCOMING',
      'UPCOMING',
      'UPCOMING',
    ]);
    const actions = Object.fromEntries(placed.order.allowedActions.map((a: { action: string }) => [a.action, a]));
    expect(actions.CANCEL).toMatchObject({ allowed: true, reason: null });
    expect(actions.APPROVE).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
  });

  it('refuses a bad order with every problem listed and writes nothing', async () => {
    const customer = await fx.token(newId());
    const { body } = await gql(CREATE, customer, {
      input: newOrderInput({
        garmentId: 'no-such-garment',
        designUrl: 'not a url',
        sizes: [{ size: 'M', quantity: 0 }],
      }),
    });
    expect(codes(body)).toEqual(['BAD_USER_INPUT']);
    const paths = body.errors[0].extensions.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['designUrl', 'garmentId']));
    expect(paths.some((p: string) => p.includes('quantity'))).toBe(true);
    expect((await gql('{ orders { edges { node { id } } } }', customer)).body.data.orders.edges).toEqual([]);
  });

  it("shows customers their own orders only; someone else's is NOT_FOUND like a missing one", async () => {
    const alice = await fx.token(newId());
    const bob = await fx.token(newId());
    const placed = await placeOrder(alice);
    const byBob = await gql(`{ order(id: "${placed.order.id}") { id } }`, bob);
    const missing = await gql(`{ order(id: "${newId()}") { id } }`, bob);
    expect(codes(byBob.body)).toEqual(['NOT_FOUND']);
    expect(byBob.body.errors[0].message.replace(placed.order.id, 'X')).toBe(
      missing.body.errors[0].message.replace(/[0-9a-f-]{36}/, 'X'),
    );
    expect(codes((await gql(`{ orderByReference(reference: "${placed.order.reference}") { id } }`, bob)).body)).toEqual(
      ['NOT_FOUND'],
    );
    expect((await gql('{ orders { edges { node { id } } } }', bob)).body.data.orders.edges).toEqual([]);
    expect(
      (await gql(`{ orderByReference(reference: "${placed.order.reference}") { id } }`, alice)).body.data
        .orderByReference.id,
    ).toBe(placed.order.id);
    expect((await gql(`{ order(id: "${placed.order.id}") { id } }`, operator)).body.data.order.id).toBe(
      placed.order.id,
    );
    expect(codes((await gql(`{ orders(filter: { userId: "${newId()}" }) { edges { cursor } } }`, alice)).body)).toEqual(
      ['FORBIDDEN'],
    );
    expect(codes((await gql('{ orders { edges { cursor } } }', undefined)).body)).toEqual(['UNAUTHENTICATED']);
  });

  it("pages through a customer's orders newest first with cursors", async () => {
    const token = await fx.token(newId());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await placeOrder(token, { notes: `batch ${i}` })).order.id);
    const first = (
      await gql('{ orders(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }', token)
    ).body.data.orders;
    expect(first.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([ids[2], ids[1]]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = (
      await gql(
        `{ orders(first: 2, after: "${first.edges[0].cursor}") { edges { node { id } } pageInfo { hasNextPage } } }`,
        token,
      )
    ).body.data.orders;
    expect(next.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([ids[1], ids[0]]);
    const searched = (
      await gql('{ orders(filter: { search: "batch 1", orderStatuses: [DRAFT] }) { edges { node { id } } } }', token)
    ).body.data.orders;
    expect(searched.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([ids[1]]);
  });

  it('moves a paid order forward for operators only, with version checks, hold and the lifecycle rules', async () => {
    const customer = await fx.token(newId());
    const order = await paidOrder(customer);
    expect(order).toMatchObject({
      status: 'QUEUED',
      etaDays: 5,
      events: expect.arrayContaining([
        expect.objectContaining({ message: 'Payment confirmed, order queued for production', statusLabel: 'Queued' }),
      ]),
    });
    const SET =
      'mutation ($id: ID!, $status: ProductionOrderState!, $v: Int) { setOrderStatus(id: $id, status: $status, expectedVersion: $v) { orderStatus status version } }';

    expect(codes((await gql(SET, customer, { id: order.id, status: 'APPROVED' })).body)).toEqual(['FORBIDDEN']);
    expect(codes((await gql(SET, operator, { id: order.id, status: 'APPROVED', v: order.version - 1 })).body)).toEqual([
      'VERSION_CONFLICT',
    ]);
    expect(codes((await gql(SET, operator, { id: order.id, status: 'FULFILLED' })).body)).toEqual([
      'ILLEGAL_TRANSITION',
    ]);
    const approved = await gql(SET, operator, { id: order.id, status: 'APPROVED', v: order.version });
    expect(approved.body.data.setOrderStatus).toEqual({
      orderStatus: 'APPROVED',
      status: 'PRINTING',
      version: order.version + 1,
    });

    const HOLD =
      'mutation ($id: ID!) { setOrderPriority(id: $id, priority: HOLD, reason: "artwork check") { priority holdReason etaAt } }';
    expect((await gql(HOLD, operator, { id: order.id })).body.data.setOrderPriority).toEqual({
      priority: 'HOLD',
      holdReason: 'artwork check',
      etaAt: null,
    });
    expect(codes((await gql(SET, operator, { id: order.id, status: 'IN_PRODUCTION' })).body)).toEqual([
      'ORDER_ON_HOLD',
    ]);
    const held = (await gql(`{ order(id: "${order.id}") { allowedActions { action allowed code } } }`, operator)).body
      .data.order.allowedActions;
    expect(held.find((a: { action: string }) => a.action === 'START_PRODUCTION')).toEqual({
      action: 'START_PRODUCTION',
      allowed: false,
      code: 'ORDER_ON_HOLD',
    });

    const notes = await gql(
      `mutation { updateOrderNotes(id: "${order.id}", notes: "rush the reprint") { notes } }`,
      operator,
    );
    expect(notes.body.data.updateOrderNotes.notes).toBe('rush the reprint');
    const posted = await gql(
      `mutation { postOrderMessage(id: "${order.id}", message: "Proof sent") { events { message } } }`,
      operator,
    );
    expect(posted.body.data.postOrderMessage.events.at(-1).message).toBe('Proof sent');
    expect(
      codes((await gql(`mutation { postOrderMessage(id: "${order.id}", message: "hi") { id } }`, customer)).body),
    ).toEqual(['FORBIDDEN']);
  });

  it('shows since when an order is on hold: the change into hold, kept by a new reason, cleared by a release', async () => {
    const customer = await fx.token(newId());
    const order = await paidOrder(customer);
    expect((await gql(`{ order(id: "${order.id}") { heldAt } }`, customer)).body.data.order.heldAt).toBeNull();
    const PRIORITY =
      'mutation ($id: ID!, $p: Priority!, $r: String) { setOrderPriority(id: $id, priority: $p, reason: $r) { heldAt events { occurredAt } } }';
    const held = (await gql(PRIORITY, operator, { id: order.id, p: 'HOLD', r: 'artwork check' })).body.data
      .setOrderPriority;
    expect(held.heldAt).toBe(held.events.at(-1).occurredAt);
    const again = (await gql(PRIORITY, operator, { id: order.id, p: 'HOLD', r: 'waiting for the customer' })).body.data
      .setOrderPriority;
    expect(again.events).toHaveLength(held.events.length + 1);
    expect(again.heldAt).toBe(held.heldAt);
    expect((await gql(`{ order(id: "${order.id}") { heldAt } }`, customer)).body.data.order.heldAt).toBe(held.heldAt);
    const released = (await gql(PRIORITY, operator, { id: order.id, p: 'RUSH' })).body.data.setOrderPriority;
    expect(released.heldAt).toBeNull();
  });

  it('lets the owner cancel a draft, and shows the order as it was before with asOf', async () => {
    const customer = await fx.token(newId());
    const placed = await placeOrder(customer);
    const before = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const canceled = await gql(
      `mutation { cancelOrder(id: "${placed.order.id}") { orderStatus canceled status } }`,
      customer,
    );
    expect(canceled.body.data.cancelOrder).toEqual({ orderStatus: 'CANCELED', canceled: true, status: 'SPEC_REVIEW' });
    const then = await gql(
      `query ($at: DateTime) { order(id: "${placed.order.id}", asOf: $at) { orderStatus canceled version } }`,
      customer,
      { at: before.toISOString() },
    );
    expect(then.body.data.order).toEqual({ orderStatus: 'DRAFT', canceled: false, version: placed.order.version });
    const other = await gql(
      `query ($at: DateTime) { order(id: "${placed.order.id}", asOf: $at) { id } }`,
      await fx.token(newId()),
      { at: before.toISOString() },
    );
    expect(codes(other.body)).toEqual(['NOT_FOUND']);
  });

  it('decides each item of a bulk change on its own, and writes nothing in a dry run', async () => {
    const customer = await fx.token(newId());
    const a = await paidOrder(customer);
    const b = await paidOrder(customer);
    const missing = newId();
    const BULK = `mutation ($input: BulkSetOrderStatusInput!) { bulkSetOrderStatus(input: $input) { results { id ok order { orderStatus version } error { code } } } }`;
    const items = [
      { id: a.id, expectedVersion: a.version },
      { id: b.id, expectedVersion: b.version - 1 },
      { id: missing },
    ];
    const dry = (await gql(BULK, operator, { input: { items, status: 'APPROVED', dryRun: true } })).body.data
      .bulkSetOrderStatus.results;
    expect(dry).toEqual([
      { id: a.id, ok: true, order: { orderStatus: 'SUBMITTED', version: a.version }, error: null },
      {
        id: b.id,
        ok: false,
        order: { orderStatus: 'SUBMITTED', version: b.version },
        error: { code: 'VERSION_CONFLICT' },
      },
      { id: missing, ok: false, order: null, error: { code: 'NOT_FOUND' } },
    ]);
    const real = (await gql(BULK, operator, { input: { items, status: 'APPROVED' } })).body.data.bulkSetOrderStatus
      .results;
    expect(real.map((r: { ok: boolean }) => r.ok)).toEqual([true, false, false]);
    expect(real[0].order).toEqual({ orderStatus: 'APPROVED', version: a.version + 1 });
    expect(codes((await gql(BULK, customer, { input: { items, status: 'APPROVED' } })).body)).toEqual(['FORBIDDEN']);
  });

  it('counts commands by type and outcome and reports the projection lag on /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/commands_total\{type="CreateOrder",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/commands_total\{type="SetOrderStatus",outcome="VERSION_CONFLICT"\} [1-9]/);
    expect(text).toMatch(/commands_total\{type="ConfirmPayment",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/projection_lag_events \d+/);
    expect(text).not.toContain('projection_lag_events -1');
  });
});

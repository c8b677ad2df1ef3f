import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, newId, subscribeSse } from '../../support/http.ts';
import { openStack, type Server, type Stack } from '../../support/stack.ts';

const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id version position } } }';
const INPUT = {
  designUrl: 'https://cdn.example.com/designs/owl.png',
  garmentId: 'classic-tee',
  sizes: [{ size: 'S', quantity: 1 }],
};

describe('order subscriptions', () => {
  let fx: Stack;
  let a: Server;
  let b: Server;

  beforeAll(async () => {
    // A second process on the same database: mutations reach one, subscribers sit on the other.
    fx = await openStack({ servers: 2 });
    [a, b] = fx.servers as [Server, Server];
  });
  afterAll(() => fx.close());

  const ws = (server: Server, token: string) => fx.ws(server, token);
  const place = async (token: string) => {
    const { body } = await graphql(a.url, CREATE, { token, variables: { input: INPUT } });
    return body.data.createProductionOrder.order as { id: string; version: number; position: string };
  };
  const post = (id: string, message: string) =>
    graphql(a.url, `mutation { postOrderMessage(id: "${id}", message: "${message}") { version position } }`, {
      token: fx.operator,
    });

  it('replays what a subscriber missed since afterPosition, then delivers each change live, across processes', async () => {
    const customer = await fx.token(newId());
    const order = await place(customer);
    const missed = (await post(order.id, 'missed while offline')).body.data.postOrderMessage;
    const updates = ws(b, customer).iterate({
      query: `subscription { orderUpdated(id: "${order.id}", afterPosition: "${order.position}") { version position events { message } } }`,
    });

    const replayed = (await updates.next()).value;
    expect(replayed.data.orderUpdated).toMatchObject({ version: missed.version, position: missed.position });
    expect(replayed.data.orderUpdated.events.at(-1).message).toBe('missed while offline');

    const live = (await post(order.id, 'live')).body.data.postOrderMessage;
    const next = (await updates.next()).value;
    expect(next.data.orderUpdated).toMatchObject({ version: live.version, position: live.position });
    await updates.return?.();
  });

  it('sends each new timeline entry over SSE', async () => {
    const customer = await fx.token(newId());
    const order = await place(customer);
    const entries = await subscribeSse(
      b.url,
      `subscription { orderEventAdded(id: "${order.id}") { message status actor { type id } } }`,
      { token: customer },
    );
    await post(order.id, 'first');
    await post(order.id, 'second');
    expect((await entries.next()).data.orderEventAdded).toEqual({
      message: 'first',
      status: 'SPEC_REVIEW',
      actor: { type: 'OPERATOR', id: fx.operatorId },
    });
    expect((await entries.next()).data.orderEventAdded.message).toBe('second');
    entries.cancel();
  });

  it("refuses to follow someone else's order (NOT_FOUND) and the dashboard feed to customers (FORBIDDEN)", async () => {
    const order = await place(await fx.token(newId()));
    const stranger = await fx.token(newId());
    const foreign = ws(b, stranger).iterate({ query: `subscription { orderUpdated(id: "${order.id}") { id } }` });
    expect(JSON.stringify((await foreign.next()).value)).toContain('NOT_FOUND');
    const dashboard = ws(b, stranger).iterate({ query: 'subscription { ordersChanged { id } }' });
    expect(JSON.stringify((await dashboard.next()).value)).toContain('FORBIDDEN');
  });

  it("feeds the operators' dashboard with changed orders that match its filter", async () => {
    const customer = await fx.token(newId());
    const feed = ws(b, fx.operator).iterate({
      query: 'subscription { ordersChanged(filter: { search: "dashboard-mark" }) { id notes } }',
    });
    const pending = feed.next();
    const order = await place(customer);
    await graphql(a.url, `mutation { updateOrderNotes(id: "${order.id}", notes: "no match") { id } }`, {
      token: fx.operator,
    });
    await graphql(a.url, `mutation { updateOrderNotes(id: "${order.id}", notes: "dashboard-mark") { id } }`, {
      token: fx.operator,
    });
    expect((await pending).value.data.ordersChanged).toEqual({ id: order.id, notes: 'dashboard-mark' });
    await feed.return?.();
  });

  it('sends the timeline to the subscriptions that select it, in a fragment too, and the summary alone to those that do not', async () => {
    const customer = await fx.token(newId());
    const order = await place(customer);
    const open = async () =>
      Number(
        (await (await fetch(`${b.url}/metrics`)).text()).match(
          /graphql_active_subscriptions\{transport="ws"\} (\d+)/,
        )?.[1] ?? 0,
      );
    const before = await open();
    const detail = ws(b, customer).iterate({
      query: `subscription { orderUpdated(id: "${order.id}") { ...Detail } } fragment Detail on ProductionOrder { version ... on ProductionOrder { events { message } } }`,
    });
    const summary = ws(b, customer).iterate({
      query: `subscription { orderUpdated(id: "${order.id}") { version status } }`,
    });
    await expect.poll(open).toBe(before + 2);
    const posted = (await post(order.id, 'with the timeline')).body.data.postOrderMessage;
    const withTimeline = (await detail.next()).value.data.orderUpdated;
    expect(withTimeline.version).toBe(posted.version);
    expect(withTimeline.events.at(-1).message).toBe('with the timeline');
    expect((await summary.next()).value.data.orderUpdated.version).toBe(posted.version);
    await detail.return?.();
    await summary.return?.();
  });
});

import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildProjections } from '../../../src/projections/index.ts';
import { snapshotReadModel, waitUntilCaughtUp } from '../../projections/support.ts';
import { graphql, type Json, newId, waitFor } from '../../support/http.ts';
import { openStack, type Stack } from '../../support/stack.ts';

const CREATE = `mutation ($input: CreateProductionOrderInput!) {
  createProductionOrder(input: $input) { checkoutUrl order { id reference position checkoutUrl publicTrackingUrl } }
}`;
const INPUT = {
  designUrl: 'https://cdn.example.com/designs/owl.png',
  garmentId: 'classic-tee',
  sizes: [{ size: 'M', quantity: 3 }],
  notes: 'secret-note-for-ops',
  prompt: 'secret prompt of the customer',
};
const ORDER = 'query ($id: ID!) { order(id: $id) { orderStatus checkoutUrl publicTrackingUrl } }';
const TRACK = `query ($token: String!) {
  trackOrder(token: $token) {
    reference status statusLabel orderStatus canceled priority etaDays etaAt onHold position
    route { id label status state reachedAt }
    events { id status message occurredAt }
  }
}`;
const ISSUE = 'mutation ($id: ID!) { issueTrackingLink(id: $id) { id version publicTrackingUrl } }';
const REVOKE = 'mutation ($id: ID!) { revokeTrackingLink(id: $id) { id version publicTrackingUrl } }';
const FOLLOW =
  'subscription ($token: String!, $after: String) { trackedOrderUpdated(token: $token, afterPosition: $after) { reference status position events { message } } }';

const tokenOf = (url: string): string => {
  const match = /\/track\/([A-Za-z0-9_-]+)$/.exec(url);
  if (!match?.[1]) throw new Error(`not a tracking URL: ${url}`);
  return match[1];
};

describe('customer pages: checkout URL and public tracking links', () => {
  let fx: Stack;
  let url: string;
  let publicBaseUrl: string;
  const anonymous: Client[] = [];

  beforeAll(async () => {
    fx = await openStack();
    url = fx.servers[0]!.url;
    publicBaseUrl = fx.servers[0]!.runtime.config.publicBaseUrl;
  });
  afterAll(async () => {
    for (const client of anonymous) await client.dispose();
    await fx.close();
  });

  /** A graphql-ws client without any token, as the public tracking page connects. */
  const anonymousWs = () => {
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    anonymous.push(client);
    return client;
  };
  const place = async () => {
    const customerId = newId();
    const customer = await fx.token(customerId);
    const { body } = await graphql(url, CREATE, { token: customer, variables: { input: INPUT } });
    expect(body.errors).toBeUndefined();
    return {
      customer,
      customerId,
      checkoutUrl: body.data.createProductionOrder.checkoutUrl as string,
      order: body.data.createProductionOrder.order,
    };
  };
  const pay = async (checkoutUrl: string) => {
    const paid = await fetch(`${url}${new URL(checkoutUrl).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
  };
  const post = (id: string, message: string) =>
    graphql(url, `mutation { postOrderMessage(id: "${id}", message: "${message}") { version position } }`, {
      token: fx.operator,
    });
  const issue = async (id: string, token: string) => {
    const { body } = await graphql(url, ISSUE, { token, variables: { id } });
    expect(body.errors).toBeUndefined();
    return body.data.issueTrackingLink as { id: string; version: number; publicTrackingUrl: string };
  };
  const track = (token: string) => graphql(url, TRACK, { variables: { token } });

  it("shows a draft's checkout URL to its owner only, and to nobody once it is paid", async () => {
    const { customer, checkoutUrl, order } = await place();
    expect(order.checkoutUrl).toBe(checkoutUrl);
    expect((await graphql(url, ORDER, { token: customer, variables: { id: order.id } })).body.data.order).toMatchObject(
      { orderStatus: 'DRAFT', checkoutUrl },
    );
    expect(
      (await graphql(url, ORDER, { token: fx.operator, variables: { id: order.id } })).body.data.order,
    ).toMatchObject({ orderStatus: 'DRAFT', checkoutUrl: null });
    const stranger = await graphql(url, ORDER, { token: await fx.token(newId()), variables: { id: order.id } });
    expect(stranger.body.data.order).toBeNull();
    expect(stranger.body.errors[0].extensions.code).toBe('NOT_FOUND');

    await pay(checkoutUrl);
    const paid = await waitFor(async () => {
      const { body } = await graphql(url, ORDER, { token: customer, variables: { id: order.id } });
      expect(body.data.order.orderStatus).toBe('SUBMITTED');
      return body.data.order as { checkoutUrl: string | null };
    });
    expect(paid.checkoutUrl).toBeNull();
  });

  it('issues a public link to the owner that shows progress, and nothing personal, to anyone without signing in', async () => {
    const { customer, customerId, checkoutUrl, order } = await place();
    expect(order.publicTrackingUrl).toBeNull();
    await pay(checkoutUrl);
    await waitFor(async () =>
      expect(
        (await graphql(url, ORDER, { token: customer, variables: { id: order.id } })).body.data.order.orderStatus,
      ).toBe('SUBMITTED'),
    );
    await graphql(
      url,
      `mutation { setOrderStatus(id: "${order.id}", status: APPROVED, message: "Spec looks great") { id } }`,
      { token: fx.operator },
    );

    const issued = await issue(order.id, customer);
    expect(issued.publicTrackingUrl).toMatch(
      new RegExp(`^${publicBaseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/track/[A-Za-z0-9_-]{22,}$`),
    );
    const token = tokenOf(issued.publicTrackingUrl);
    // Issuing again changes nothing; operators see the same link.
    expect(await issue(order.id, customer)).toEqual(issued);
    expect(
      (await graphql(url, ORDER, { token: fx.operator, variables: { id: order.id } })).body.data.order
        .publicTrackingUrl,
    ).toBe(issued.publicTrackingUrl);

    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: TRACK, variables: { token } }),
    });
    const raw = await response.text();
    const tracked = JSON.parse(raw).data.trackOrder;
    expect(tracked).toMatchObject({
      reference: order.reference,
      status: 'PRINTING',
      statusLabel: 'Printing',
      orderStatus: 'APPROVED',
      canceled: false,
      priority: 'STANDARD',
      etaDays: 5,
      onHold: false,
    });
    expect(tracked.etaAt).toEqual(expect.any(String));
    expect((tracked.route as Json[]).map((stop: Json): unknown[] => [stop.id, stop.state])).toEqual([
      ['spec-review', 'DONE'],
      ['queued', 'DONE'],
      ['printing', 'CURRENT'],
      ['finishing', 'UPCOMING'],
      ['ready', 'UPCOMING'],
    ]);
    expect((tracked.events as Json[]).map((entry: Json): unknown[] => [entry.status, entry.message])).toEqual([
      ['Spec Review', `Order ${order.reference} created`],
      ['Queued', 'Payment confirmed, order queued for production'],
      ['Printing', 'Spec approved, printing: Spec looks great'],
    ]);
    for (const secret of [
      customerId,
      fx.operatorId,
      'secret-note-for-ops',
      'secret prompt',
      'owl.png',
      'priceCents',
      'totalCents',
      'userId',
      'actor',
      'notes',
      'metadata',
      'cs_sim',
    ]) {
      expect(raw).not.toContain(secret);
    }
  });

  it('lets an operator revoke a link (the old token stops, a new one works) and refuses customers', async () => {
    const { customer, order } = await place();
    const old = tokenOf((await issue(order.id, customer)).publicTrackingUrl);

    const refused = await graphql(url, REVOKE, { token: customer, variables: { id: order.id } });
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const stranger = await graphql(url, REVOKE, { token: await fx.token(newId()), variables: { id: order.id } });
    expect(stranger.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const strangerIssue = await graphql(url, ISSUE, {
      token: await fx.token(newId()),
      variables: { id: order.id },
    });
    expect(strangerIssue.body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await track(old)).body.data.trackOrder.reference).toBe(order.reference);

    const revoked = await graphql(url, REVOKE, { token: fx.operator, variables: { id: order.id } });
    expect(revoked.body.errors).toBeUndefined();
    const fresh = tokenOf(revoked.body.data.revokeTrackingLink.publicTrackingUrl);
    expect(fresh).not.toBe(old);
    expect((await track(old)).body).toEqual({ data: { trackOrder: null } });
    expect((await track(fresh)).body.data.trackOrder.reference).toBe(order.reference);
    expect(
      (await graphql(url, ORDER, { token: customer, variables: { id: order.id } })).body.data.order.publicTrackingUrl,
    ).toBe(`${publicBaseUrl}/track/${fresh}`);

    // A revocation writes nothing for an order without a link.
    const bare = await place();
    expect(
      (await graphql(url, REVOKE, { token: fx.operator, variables: { id: bare.order.id } })).body.errors[0].extensions
        .code,
    ).toBe('ILLEGAL_TRANSITION');
  });

  it('follows an order anonymously over graphql-ws, resumes from afterPosition, and ends when the link is revoked', async () => {
    const { customer, order } = await place();
    const token = tokenOf((await issue(order.id, customer)).publicTrackingUrl);
    const start = (await track(token)).body.data.trackOrder.position as string;
    const missed = (await post(order.id, 'missed while away')).body.data.postOrderMessage;

    const updates = anonymousWs().iterate({ query: FOLLOW, variables: { token, after: start } });
    const replayed = (await updates.next()).value;
    expect(replayed.errors).toBeUndefined();
    expect(replayed.data.trackedOrderUpdated).toMatchObject({
      reference: order.reference,
      status: 'SPEC_REVIEW',
      position: missed.position,
    });
    expect(replayed.data.trackedOrderUpdated.events.at(-1).message).toBe('missed while away');

    const live = (await post(order.id, 'now live')).body.data.postOrderMessage;
    const next = (await updates.next()).value;
    expect(next.data.trackedOrderUpdated.position).toBe(live.position);
    expect(next.data.trackedOrderUpdated.events.at(-1).message).toBe('now live');

    await graphql(url, REVOKE, { token: fx.operator, variables: { id: order.id } });
    // The revocation's own change is not delivered: the subscription completes instead.
    expect(await updates.next()).toEqual({ done: true, value: undefined });

    const afterRevoke = anonymousWs().iterate({ query: FOLLOW, variables: { token } });
    const refused = (await afterRevoke.next()).value;
    expect(refused.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('keeps the links through a projection rebuild, row for row', async () => {
    const { customer, order } = await place();
    await issue(order.id, customer);
    await graphql(url, REVOKE, { token: fx.operator, variables: { id: order.id } });
    const { pool } = fx.db;
    const { eventStore } = fx.servers[0]!.runtime;
    await waitUntilCaughtUp(pool, eventStore);
    const before = await snapshotReadModel(pool);
    const { rows } = await pool.query<{ token: string }>(
      'select public_tracking_token as token from production_orders where id = $1',
      [order.id],
    );
    expect(rows[0]?.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);

    await rebuildProjections({ pool, eventStore });
    expect(await snapshotReadModel(pool)).toEqual(before);
    expect((await track(rows[0]!.token)).body.data.trackOrder.reference).toBe(order.reference);
  });
});

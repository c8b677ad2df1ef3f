import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, newId, startApp, waitFor } from '../support/http.ts';
import { openStack, type Server, type Stack } from '../support/stack.ts';

/**
 * Rate limits as a client meets them, on the real composition. The loopback range lets one test
 * be several client addresses: the server listens on 127.0.0.1, and each request below picks
 * its source address (127.0.0.2, 127.0.0.3…) as a different client would have its own.
 */
const LIMITS = {
  RATE_LIMIT_ORDERS_PER_CUSTOMER: '3',
  RATE_LIMIT_ORDERS_WINDOW_SECONDS: '600',
  RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '4',
  RATE_LIMIT_AUTH_FAILURES_WINDOW_SECONDS: '600',
  RATE_LIMIT_WEBHOOK_FAILURES_PER_ADDRESS: '3',
  RATE_LIMIT_WEBHOOK_FAILURES_WINDOW_SECONDS: '600',
  RATE_LIMIT_TRACKING_LOOKUPS_PER_ADDRESS: '3',
  RATE_LIMIT_TRACKING_LOOKUPS_WINDOW_SECONDS: '600',
};

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Json;
}

/** One HTTP request from a chosen local address. */
function send(
  url: string,
  method: string,
  path: string,
  options: { from?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, {
      method,
      localAddress: options.from ?? '127.0.0.1',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      timeout: 15_000,
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let parsed: Json = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parsed });
      });
    });
    req.end(body);
  });
}

const INPUT = {
  designUrl: 'https://cdn.example.com/designs/owl.png',
  garmentId: 'classic-tee',
  sizes: [{ size: 'M', quantity: 1 }],
};
const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id } checkoutUrl } }';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('rate limits', () => {
  let fx: Stack;
  let server: Server;
  const clients: Client[] = [];

  beforeAll(async () => {
    fx = await openStack({ env: LIMITS });
    server = fx.servers[0]!;
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await fx.close();
  });

  /** A graphql-ws client connecting from `from`. */
  function wsClient(token: string, from = '127.0.0.1', onClose?: (code: number, reason: string) => void): Client {
    class FromAddress extends WebSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols, { localAddress: from });
      }
    }
    const client = createClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: FromAddress,
      retryAttempts: 0,
      lazy: true,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      on: { closed: (event) => onClose?.((event as { code: number }).code, (event as { reason: string }).reason) },
    });
    clients.push(client);
    return client;
  }

  /** One operation over WebSocket: its single result. */
  async function overWs(client: Client, query: string, variables: Record<string, unknown>): Promise<Json> {
    return new Promise((resolve, reject) => {
      let result: Json;
      client.subscribe(
        { query, variables },
        { next: (value) => (result = value), error: reject, complete: () => resolve(result) },
      );
    });
  }

  const eventCount = async () =>
    Number((await fx.db.pool.query<{ n: string }>('select count(*) as n from es_events')).rows[0]!.n);

  it('limits lookups by public tracking token per address, found or not, over HTTP and WebSocket alike', async () => {
    const TRACK = 'query ($token: String!) { trackOrder(token: $token) { reference } }';
    const guess = () => ({ query: TRACK, variables: { token: randomBytes(24).toString('base64url') } });
    for (let i = 0; i < 3; i++) {
      const answer = await send(server.url, 'POST', '/graphql', { from: '127.0.0.6', body: guess() });
      expect(answer.body).toEqual({ data: { trackOrder: null } });
    }
    const refused = await send(server.url, 'POST', '/graphql', { from: '127.0.0.6', body: guess() });
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    const subscribe = 'subscription ($token: String!) { trackedOrderUpdated(token: $token) { reference } }';
    const overSocket = await overWs(wsClient('', '127.0.0.6'), subscribe, {
      token: randomBytes(24).toString('base64url'),
    }).catch((errors: unknown) => ({ errors }));
    expect(JSON.stringify(overSocket)).toContain('RATE_LIMITED');
    // Another address is not held back.
    const other = await send(server.url, 'POST', '/graphql', { from: '127.0.0.7', body: guess() });
    expect(other.body).toEqual({ data: { trackOrder: null } });
  });

  it('counts order creations per user across REST, GraphQL over HTTP and over WebSocket, and refuses past the budget writing nothing', async () => {
    const customerId = newId();
    const token = await fx.token(customerId);

    // One of each transport: the budget of three is spent.
    const rest = await send(server.url, 'POST', '/api/production', { headers: bearer(token), body: INPUT });
    expect(rest.status).toBe(201);
    const http = await send(server.url, 'POST', '/graphql', {
      headers: bearer(token),
      body: { query: CREATE, variables: { input: INPUT } },
    });
    expect(http.body.errors).toBeUndefined();
    const ws = await overWs(wsClient(token), CREATE, { input: INPUT });
    expect(ws.errors).toBeUndefined();
    const before = await eventCount();

    const refusedRest = await send(server.url, 'POST', '/api/production', { headers: bearer(token), body: INPUT });
    expect(refusedRest.status).toBe(429);
    expect(refusedRest.headers['content-type']).toContain('application/problem+json');
    expect(refusedRest.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const retryAfter = Number(refusedRest.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);

    const refusedHttp = await send(server.url, 'POST', '/graphql', {
      headers: bearer(token),
      body: { query: CREATE, variables: { input: INPUT } },
    });
    expect(refusedHttp.body.data).toBeNull();
    expect(refusedHttp.body.errors[0].extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: expect.any(Number),
    });
    expect(refusedHttp.body.errors[0].extensions.retryAfter).toBeGreaterThan(0);

    const refusedWs = await overWs(wsClient(token), CREATE, { input: INPUT });
    expect(refusedWs.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });

    expect(await eventCount(), 'a refused creation writes no event').toBe(before);
    const mine = await send(server.url, 'POST', '/graphql', {
      headers: bearer(token),
      body: { query: '{ orders { edges { node { id } } } }' },
    });
    expect(mine.body.data.orders.edges).toHaveLength(3);

    // Per user: another customer still places an order.
    const other = await send(server.url, 'POST', '/api/production', {
      headers: bearer(await fx.token(newId())),
      body: INPUT,
    });
    expect(other.status).toBe(201);
  });

  it('refuses an address past its budget of failed authentications on every transport, and only that address', async () => {
    const flood = '127.0.0.3';
    const good = await fx.token(newId());
    const bad = `${good.slice(0, -4)}AAAA`;
    // Four failures are answered as failures…
    for (const path of [
      '/api/production/00000000-0000-4000-8000-000000000000',
      '/graphql',
      '/api/production/00000000-0000-4000-8000-000000000000',
      '/graphql',
    ]) {
      const reply =
        path === '/graphql'
          ? await send(server.url, 'POST', path, {
              from: flood,
              headers: bearer(bad),
              body: { query: '{ viewer { id } }' },
            })
          : await send(server.url, 'GET', path, { from: flood, headers: bearer(bad) });
      expect(reply.status).toBe(401);
    }
    // …then the address is refused, whatever the token, until the window ends.
    const restRefused = await send(server.url, 'GET', '/api/production', { from: flood, headers: bearer(good) });
    expect(restRefused.status).toBe(429);
    expect(restRefused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(restRefused.headers['retry-after'])).toBeGreaterThan(0);

    // GraphQL over HTTP: a query the fast path would answer, and yoga's own path (a mutation).
    for (const body of [{ query: '{ viewer { id } }' }, { query: CREATE, variables: { input: INPUT } }]) {
      const refused = await send(server.url, 'POST', '/graphql', { from: flood, headers: bearer(good), body });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    }

    // WebSocket: the connection is closed with 4429.
    let closed: { code: number; reason: string } | undefined;
    const refusedWs = wsClient(good, flood, (code, reason) => (closed ??= { code, reason }));
    await expect(overWs(refusedWs, '{ viewer { id } }', {})).rejects.toBeDefined();
    expect(closed?.code).toBe(4429);
    expect(closed?.reason).toMatch(/retry in \d+ s/);

    // Anonymous requests from there are not refused (they cannot fail authentication)…
    expect((await send(server.url, 'GET', '/healthz', { from: flood })).status).toBe(200);
    // …and another address is not affected.
    const elsewhere = await send(server.url, 'POST', '/graphql', {
      from: '127.0.0.4',
      headers: bearer(good),
      body: { query: '{ viewer { id } }' },
    });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.data.viewer.id).toBeDefined();
  });

  it("refuses an address's webhook deliveries past its budget of bad signatures, and Stripe's deliveries still arrive", async () => {
    const flood = '127.0.0.2';
    const deliver = () =>
      send(server.url, 'POST', '/api/stripe/webhook', {
        from: flood,
        headers: { 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
        body: { id: 'evt_forged', type: 'checkout.session.completed', data: { object: {} } },
      });
    for (let i = 0; i < 3; i++) expect((await deliver()).status).toBe(400);
    const refused = await deliver();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // A paid simulated checkout makes the server deliver a correctly signed event to itself,
    // from 127.0.0.1, through the same route: it is not starved by the flood.
    const customer = await fx.token(newId());
    const placed = await send(server.url, 'POST', '/graphql', {
      headers: bearer(customer),
      body: { query: CREATE, variables: { input: INPUT } },
    });
    const { checkoutUrl, order } = placed.body.data.createProductionOrder as {
      checkoutUrl: string;
      order: { id: string };
    };
    const paid = await send(server.url, 'POST', new URL(checkoutUrl).pathname, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(paid.status).toBe(303);
    await waitFor(async () => {
      const { body } = await send(server.url, 'POST', '/graphql', {
        headers: bearer(customer),
        body: { query: `{ order(id: "${order.id}") { orderStatus } }` },
      });
      expect(body.data.order.orderStatus).toBe('SUBMITTED');
    }, 10_000);
  });
});

describe('rate limits behind a trusted proxy (TRUST_PROXY_HOPS)', () => {
  it('counts failed authentications per forwarded client, over HTTP and WebSocket alike', async () => {
    const running = await startApp({
      trustProxyHops: 1,
      rateLimits: { authFailures: { max: 2, windowMs: 600_000 }, webhookFailures: { max: 0, windowMs: 1000 } },
    });
    try {
      const good = await running.token(newId());
      const viewer = (client: string, token: string) =>
        send(running.url, 'POST', '/graphql', {
          headers: { ...bearer(token), 'x-forwarded-for': client },
          body: { query: '{ viewer { id } }' },
        });
      for (let i = 0; i < 2; i++) expect((await viewer('203.0.113.7', `${good}x`)).status).toBe(401);
      expect((await viewer('203.0.113.7', good)).status).toBe(429);
      // Another client behind the same proxy (the same connection address) is not refused.
      expect((await viewer('203.0.113.8', good)).status).toBe(200);

      // The flooded client over WebSocket, through the same proxy: refused too.
      const closed = await new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${running.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', {
          headers: { 'x-forwarded-for': '203.0.113.7' },
        });
        socket.on('open', () =>
          socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${good}` } })),
        );
        socket.on('close', (code) => resolve(code));
        socket.on('error', reject);
      });
      expect(closed).toBe(4429);
    } finally {
      await running.close();
    }
  });
});

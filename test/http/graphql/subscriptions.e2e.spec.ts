import { randomUUID } from 'node:crypto';
import { createPubSub } from 'graphql-yoga';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireViewer } from '../../../src/auth/guards.ts';
import type { GraphQLContext } from '../../../src/http/graphql/context.ts';
import { newId, type RunningApp, startApp, subscribeSse, waitFor } from '../../support/http.ts';

/** A stand-in for the read model's feed: timeline entries published per order id. */
const pubSub = createPubSub<{ event: [orderId: string, entry: Record<string, unknown>] }>();
const resolvers = {
  Subscription: {
    orderEventAdded: {
      subscribe: (_: unknown, args: { id: string }, context: GraphQLContext) => {
        requireViewer(context.viewer);
        return pubSub.subscribe('event', args.id);
      },
      resolve: (entry: Record<string, unknown>) => entry,
    },
  },
};

const entry = (message: string) => ({
  id: randomUUID(),
  status: 'Queued',
  statusLabel: 'Queued',
  message,
  actor: { type: 'operator', id: randomUUID() },
  metadata: {},
  occurredAt: new Date('2026-03-01T12:00:00Z'),
  position: '10-20',
});

const SUBSCRIPTION = 'subscription ($id: ID!) { orderEventAdded(id: $id) { message status actor { type } } }';

let now = new Date();
const clock = () => now;

describe('subscriptions', () => {
  let running: RunningApp;
  const clients: Client[] = [];
  beforeAll(async () => {
    running = await startApp({ graphqlResolvers: [resolvers] }, { clock });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
    now = new Date();
  });
  afterAll(() => running.close());

  const wsClient = (token?: string, onClosed?: (event: unknown) => void) => {
    const client = createClient({
      url: `${running.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      on: onClosed ? { closed: onClosed } : {},
    });
    clients.push(client);
    return client;
  };
  const activeSubscriptions = async (transport: string) => {
    const metric = await running.metrics.registry.getSingleMetricAsString('graphql_active_subscriptions');
    return Number(new RegExp(`transport="${transport}"} (\\d+)`).exec(metric)?.[1] ?? 0);
  };

  it('delivers over SSE and counts the subscription while it is open', async () => {
    const orderId = randomUUID();
    const sse = await subscribeSse(running.url, SUBSCRIPTION, {
      token: await running.token(newId()),
      variables: { id: orderId },
    });
    await waitFor(async () => expect(await activeSubscriptions('sse')).toBe(1));
    pubSub.publish('event', orderId, entry('Payment confirmed, order queued for production'));
    expect(await sse.next()).toEqual({
      data: {
        orderEventAdded: {
          message: 'Payment confirmed, order queued for production',
          status: 'QUEUED',
          actor: { type: 'OPERATOR' },
        },
      },
    });
    sse.cancel();
    await waitFor(async () => expect(await activeSubscriptions('sse')).toBe(0));
  });

  it('delivers over WebSocket with the token in connectionParams', async () => {
    const orderId = randomUUID();
    const iterator = wsClient(await running.token(newId())).iterate({
      query: SUBSCRIPTION,
      variables: { id: orderId },
    });
    const first = iterator.next();
    await waitFor(async () => expect(await activeSubscriptions('ws')).toBe(1));
    pubSub.publish('event', orderId, entry('Printing started'));
    expect((await first).value).toEqual({
      data: { orderEventAdded: { message: 'Printing started', status: 'QUEUED', actor: { type: 'OPERATOR' } } },
    });
    await iterator.return?.();
    await waitFor(async () => expect(await activeSubscriptions('ws')).toBe(0));
  });

  it('closes a WebSocket whose connection token is bad with 4401', async () => {
    let closed: { code?: number } | undefined;
    const client = wsClient('not-a-token', (event) => (closed = event as { code?: number }));
    const iterator = client.iterate({ query: SUBSCRIPTION, variables: { id: randomUUID() } });
    await expect(iterator.next()).rejects.toBeDefined();
    expect(closed?.code).toBe(4401);
  });

  it('refuses a subscription of an anonymous WebSocket with UNAUTHENTICATED', async () => {
    const iterator = wsClient().iterate({ query: SUBSCRIPTION, variables: { id: randomUUID() } });
    const result = await iterator.next().then(
      (r): unknown => r.value,
      (errors: unknown) => ({ errors }),
    );
    expect(JSON.stringify(result)).toContain('UNAUTHENTICATED');
  });

  it('authenticates again at subscribe: a token that expired since connecting is refused', async () => {
    const client = wsClient(await running.token(newId(), { ttlSeconds: 60, now }));
    const orderId = randomUUID();
    const first = client.iterate({ query: SUBSCRIPTION, variables: { id: orderId } });
    const pending = first.next();
    await waitFor(async () => expect(await activeSubscriptions('ws')).toBe(1));
    now = new Date(now.getTime() + 61_000);
    const second = await client
      .iterate({ query: SUBSCRIPTION, variables: { id: orderId } })
      .next()
      .then(
        (r): unknown => r.value,
        (errors: unknown) => ({ errors }),
      );
    expect(JSON.stringify(second)).toContain('UNAUTHENTICATED');
    // ...and the open one ends with UNAUTHENTICATED at its next delivery instead of delivering.
    pubSub.publish('event', orderId, entry('should not arrive'));
    const delivered = await pending.then(
      (r): unknown => r.value,
      (errors: unknown) => ({ errors }),
    );
    expect(JSON.stringify(delivered)).toContain('UNAUTHENTICATED');
    expect(JSON.stringify(delivered)).not.toContain('should not arrive');
    await waitFor(async () => expect(await activeSubscriptions('ws')).toBe(0));
  });
});

describe('graceful close', () => {
  it('ends open SSE and WebSocket subscriptions and lets an in-flight request finish', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const running = await startApp({
      graphqlResolvers: [resolvers],
      routes: [
        async (app) => {
          app.get('/test/slow', async () => {
            started();
            await gate;
            return { finished: true };
          });
          await Promise.resolve();
        },
      ],
    });
    const token = await running.token(newId());
    const sse = await subscribeSse(running.url, SUBSCRIPTION, { token, variables: { id: randomUUID() } });
    let wsClosed: { code?: number } | undefined;
    const ws = createClient({
      url: `${running.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      on: { closed: (event) => (wsClosed = event as { code?: number }) },
    });
    const wsIterator = ws.iterate({ query: SUBSCRIPTION, variables: { id: randomUUID() } });
    const wsDone = wsIterator.next();
    await waitFor(() => expect(running.app.server.listening).toBe(true));
    await waitFor(async () => {
      const metric = await running.metrics.registry.getSingleMetricAsString('graphql_active_subscriptions');
      expect(metric).toContain('transport="ws"} 1');
    });
    const slow = fetch(`${running.url}/test/slow`);
    await inFlight;

    const closing = running.close();
    await sse.ended;
    expect((await wsDone).done).toBe(true);
    release();
    const response = await slow;
    expect(await response.json()).toEqual({ finished: true });
    await closing;
    await waitFor(() => expect(wsClosed?.code).toBe(1001));
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    await ws.dispose();
  });
});

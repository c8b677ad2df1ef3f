import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { createPubSub } from 'graphql-yoga';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLContext } from '../../src/http/graphql/context.ts';
import {
  type Json,
  newId,
  type RunningApp,
  type SseSubscription,
  startApp,
  subscribeSse,
  waitFor,
} from '../support/http.ts';

/** A stand-in for the order feed; signed-out viewers may subscribe too, as to a public tracking link. */
const pubSub = createPubSub<{ event: [orderId: string, entry: Record<string, unknown>] }>();
const resolvers = {
  Subscription: {
    orderEventAdded: {
      subscribe: (_: unknown, args: { id: string }, _context: GraphQLContext) => pubSub.subscribe('event', args.id),
      resolve: (entry: Record<string, unknown>) => entry,
    },
  },
};
const SUBSCRIPTION = 'subscription ($id: ID!) { orderEventAdded(id: $id) { message } }';
const entry = (message: string) => ({
  id: newId(),
  status: 'Queued',
  statusLabel: 'Queued',
  message,
  actor: null,
  metadata: {},
  occurredAt: new Date(),
  position: '1-1',
});

const LIMITS = {
  http: { requestTimeoutMs: 1000, keepAliveTimeoutMs: 5000, maxConnections: 1000 },
  subscriptions: {
    wsIdleTimeoutMs: 700,
    wsMaxSubscriptionsPerSocket: 3,
    wsMaxSocketsPerUser: 2,
    wsMaxSockets: 100,
    sseMaxStreamsPerUser: 2,
    sseMaxStreams: 100,
  },
};

/** A graphql-transport-ws socket spoken by hand, so close codes and silence are the test's to choose. */
interface RawSocket {
  readonly messages: Json[];
  readonly closed: Promise<{ code: number; reason: string; afterMs: number }>;
  readonly isOpen: () => boolean;
  send(message: object): void;
  close(): void;
}

async function rawSocket(url: string, token?: string): Promise<RawSocket> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: Json[] = [];
  let opened = 0;
  const closed = new Promise<{ code: number; reason: string; afterMs: number }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString(), afterMs: performance.now() - opened })),
  );
  ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} }));
  opened = performance.now();
  await Promise.race([waitFor(() => expect(messages.some((m) => m.type === 'connection_ack')).toBe(true)), closed]);
  return {
    messages,
    closed,
    isOpen: () => ws.readyState === WebSocket.OPEN,
    send: (message) => ws.send(JSON.stringify(message)),
    close: () => ws.close(),
  };
}

/** An SSE subscribe whose answer is read whole (a refusal ends at once). */
function sseAnswer(
  url: string,
  token: string | undefined,
  orderId: string,
): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    request
      .on('response', (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], body }),
        );
      })
      .on('error', reject)
      .end(JSON.stringify({ query: SUBSCRIPTION, variables: { id: orderId } }));
  });
}

const subscribe = (socket: RawSocket, id: string, orderId = 'o-1') =>
  socket.send({ id, type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { id: orderId } } });

describe('limits on what a client may hold open', () => {
  let running: RunningApp;
  const sockets: RawSocket[] = [];
  const streams: SseSubscription[] = [];
  beforeAll(async () => {
    running = await startApp({ graphqlResolvers: [resolvers], limits: LIMITS });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const stream of streams.splice(0)) stream.cancel();
  });
  afterAll(() => running.close());

  const open = async (token?: string) => {
    const socket = await rawSocket(running.url, token);
    sockets.push(socket);
    return socket;
  };

  it('cuts a request whose body trickles in slower than the request timeout (408), and serves the next', async () => {
    const { port } = new URL(running.url);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const ended = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
    socket.on('error', () => undefined);
    const started = performance.now();
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    let sent = 1;
    // One byte a second: the 100-byte body would take 100 s.
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write(' ');
      sent += 1;
    }, 1000);
    const closedAt = await ended;
    clearInterval(trickle);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(sent).toBeLessThan(5);
    // The timeout (1 s) plus node's check interval (a quarter of it), with room for a slow machine.
    expect(closedAt - started).toBeLessThan(3000);
    const answer = await fetch(`${running.url}/healthz`);
    expect(answer.status).toBe(200);
  });

  it('keeps SSE streams and WebSocket subscriptions open well past the request timeout', async () => {
    const token = await running.token(newId());
    const stream = await subscribeSse(running.url, SUBSCRIPTION, { token, variables: { id: 'o-long' } });
    streams.push(stream);
    const socket = await open(token);
    subscribe(socket, 's1', 'o-long');
    // Past the request timeout and two of node's checks for expired requests.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    pubSub.publish('event', 'o-long', entry('still here'));
    expect(await stream.next()).toEqual({ data: { orderEventAdded: { message: 'still here' } } });
    await waitFor(() =>
      expect(socket.messages.find((m) => m.type === 'next')?.payload).toEqual({
        data: { orderEventAdded: { message: 'still here' } },
      }),
    );
    expect(socket.isOpen()).toBe(true);
  });

  it('closes a signed-out socket that holds no subscription after the idle time, and keeps one that holds a subscription', async () => {
    const idle = await open();
    const watching = await open();
    subscribe(watching, 'track');
    const closed = await idle.closed;
    expect(closed.code).toBe(1000);
    expect(closed.reason).toMatch(/no subscription/i);
    expect(closed.afterMs).toBeGreaterThanOrEqual(600);
    expect(closed.afterMs).toBeLessThan(3000);
    // Two more idle periods: the one watching is still served.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(watching.isOpen()).toBe(true);
    pubSub.publish('event', 'o-1', entry('moved'));
    await waitFor(() => expect(watching.messages.some((m) => m.type === 'next' && m.id === 'track')).toBe(true));
  });

  it('refuses operations over the per-socket cap with RATE_LIMITED and keeps serving the others', async () => {
    const socket = await open(await running.token(newId()));
    for (const id of ['a', 'b', 'c', 'd']) subscribe(socket, id, 'o-cap');
    const refused: Json = await waitFor((): Json => {
      const error: Json = socket.messages.find((m) => m.type === 'error');
      expect(error).toBeDefined();
      return error;
    });
    expect(refused.id).toBe('d');
    expect(refused.payload[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused.payload[0].message).toMatch(/At most 3/);
    pubSub.publish('event', 'o-cap', entry('to three'));
    await waitFor(() =>
      expect(
        socket.messages
          .filter((m) => m.type === 'next')
          .map((m): string => m.id as string)
          .sort(),
      ).toEqual(['a', 'b', 'c']),
    );
    expect(socket.isOpen()).toBe(true);
  });

  it('closes a user’s sockets over the per-user cap with 1013 (try again later), and takes one again when another closed', async () => {
    const token = await running.token(newId());
    const first = await open(token);
    await open(token);
    const third = await open(token);
    const closed = await third.closed;
    expect(closed.code).toBe(1013);
    expect(closed.reason).toMatch(/At most 2 WebSocket connections per user/);
    // Another user is not affected.
    expect((await open(await running.token(newId()))).isOpen()).toBe(true);
    first.close();
    await first.closed;
    await waitFor(async () => {
      const again = await open(token);
      expect(again.isOpen()).toBe(true);
    });
  });

  it('refuses an SSE stream over the per-user cap with RATE_LIMITED (429)', async () => {
    const token = await running.token(newId());
    streams.push(await subscribeSse(running.url, SUBSCRIPTION, { token, variables: { id: 'o-sse' } }));
    streams.push(await subscribeSse(running.url, SUBSCRIPTION, { token, variables: { id: 'o-sse' } }));
    const refused = await sseAnswer(running.url, token, 'o-sse');
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('5');
    expect(refused.body).toContain('RATE_LIMITED');
    // The two streams are still served.
    pubSub.publish('event', 'o-sse', entry('both'));
    for (const stream of streams)
      expect(await stream.next()).toEqual({ data: { orderEventAdded: { message: 'both' } } });
  });
});

describe('the server-wide caps', () => {
  let running: RunningApp;
  const sockets: RawSocket[] = [];
  const streams: SseSubscription[] = [];
  beforeAll(async () => {
    running = await startApp({
      graphqlResolvers: [resolvers],
      limits: {
        http: LIMITS.http,
        subscriptions: { ...LIMITS.subscriptions, wsIdleTimeoutMs: 60_000, wsMaxSockets: 2, sseMaxStreams: 1 },
      },
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const stream of streams) stream.cancel();
    await running.close();
  });

  it('closes a WebSocket over the server’s cap with 1013, whoever opens it', async () => {
    for (let i = 0; i < 2; i += 1) sockets.push(await rawSocket(running.url));
    const ws = new WebSocket(`${running.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    ws.on('error', () => undefined);
    const [code, reason] = await new Promise<[number, string]>((resolve) =>
      ws.on('close', (closeCode, closeReason) => resolve([closeCode, closeReason.toString()])),
    );
    expect(code).toBe(1013);
    expect(reason).toMatch(/limit of WebSocket connections/);
    expect(sockets.every((socket) => socket.isOpen())).toBe(true);
  });

  it('refuses an SSE stream over the server’s cap with 429 RATE_LIMITED, whoever asks', async () => {
    streams.push(
      await subscribeSse(running.url, SUBSCRIPTION, {
        token: await running.token(newId()),
        variables: { id: 'o-all' },
      }),
    );
    const refused = await sseAnswer(running.url, await running.token(newId()), 'o-all');
    expect(refused.status).toBe(429);
    expect(refused.body).toContain('RATE_LIMITED');
    // Once the open stream ends, a new one is taken.
    streams.splice(0).forEach((stream) => stream.cancel());
    streams.push(await waitFor(() => subscribeSse(running.url, SUBSCRIPTION, { variables: { id: 'o-all' } })));
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { coalesceWrites, sharedPayloadJson } from '../../../src/http/graphql/ws.ts';

/** A server-side WebSocket with coalesced writes and a client connected to it over 127.0.0.1. */
async function pair(
  transform?: (data: unknown) => unknown,
): Promise<{ server: WebSocket; client: WebSocket; close: () => Promise<void> }> {
  const http: Server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const accepted = new Promise<WebSocket>((resolve) => {
    http.on('upgrade', (request, socket: Duplex, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => {
        coalesceWrites(ws, socket, transform);
        resolve(ws);
      }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  const server = await accepted;
  return {
    server,
    client,
    close: async () => {
      client.terminate();
      server.terminate();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

const sendWithAck = (ws: WebSocket, data: string) =>
  new Promise<void>((resolve, reject) => ws.send(data, (error) => (error ? reject(error) : resolve())));

describe('coalesced WebSocket writes', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('sends a shared payload spliced into bytes as a text frame, as graphql-ws clients need', async () => {
    const shared = sharedPayloadJson();
    const sockets = await pair(shared.splice);
    close = sockets.close;
    const message = { id: 'é1', type: 'next', payload: { data: { order: { id: 'o-1', note: 'ünïcode ✓' } } } };
    const received = new Promise<{ text: string; binary: boolean }>((resolve) =>
      sockets.client.once('message', (data: Buffer, binary: boolean) =>
        resolve({ text: data.toString('utf8'), binary }),
      ),
    );
    await sendWithAck(sockets.server, JSON.stringify(message, shared.replacer));
    expect(await received).toEqual({ text: JSON.stringify(message), binary: false });
  });

  it('delivers every message of a burst, in order', async () => {
    const sockets = await pair();
    close = sockets.close;
    const received: string[] = [];
    const all = new Promise<void>((resolve) =>
      sockets.client.on('message', (data: Buffer) => received.push(data.toString('utf8')) === 500 && resolve()),
    );
    for (let i = 0; i < 500; i += 1) void sendWithAck(sockets.server, `message ${i}`);
    await all;
    expect(received).toEqual(Array.from({ length: 500 }, (_, i) => `message ${i}`));
  });

  it('makes a sender wait once a client stops reading, and lets it go on when the client reads again', async () => {
    const sockets = await pair();
    close = sockets.close;
    const underlying = (sockets.client as unknown as { _socket: Duplex })._socket;
    underlying.pause();
    const chunk = 'x'.repeat(64 * 1024);
    let acknowledged = 0;
    const sends = Array.from({ length: 400 }, () =>
      sendWithAck(sockets.server, chunk).then(() => void (acknowledged += 1)),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    // 25 MB offered: the kernel's buffers take a few MB, then the sender must wait.
    expect(acknowledged).toBeLessThan(400);
    let received = 0;
    sockets.client.on('message', () => (received += 1));
    underlying.resume();
    await Promise.all(sends);
    await expect.poll(() => received).toBe(400);
  });
});

describe('shared payload serialization', () => {
  /** What goes to the socket, as text (a spliced message goes as bytes). */
  const send = (shared: ReturnType<typeof sharedPayloadJson>, message: object) =>
    String(shared.splice(JSON.stringify(message, shared.replacer)));

  it('gives every subscriber exactly the message JSON.stringify would, serializing a shared result once', () => {
    const shared = sharedPayloadJson();
    let reads = 0;
    const result = Object.defineProperty({}, 'data', {
      enumerable: true,
      get: () => (reads++, { order: { id: 'o-1', note: 'say "hi"\n', tags: ['a', '@@shared-payload@@'] } }),
    });
    const expected = (id: string) =>
      JSON.stringify({
        id,
        type: 'next',
        payload: { data: { order: { id: 'o-1', note: 'say "hi"\n', tags: ['a', '@@shared-payload@@'] } } },
      });
    for (const id of ['1', '2', 'x"y', 'é✓', '@@shared-payload@@', '"payload":"@@shared-payload@@"}']) {
      expect(send(shared, { id, type: 'next', payload: result })).toBe(expected(id));
    }
    expect(reads).toBe(1);
  });

  it('leaves other messages as they are, and a mark nobody set stays text', () => {
    const shared = sharedPayloadJson();
    const others = [
      { type: 'connection_ack' },
      { type: 'pong', payload: { a: 1 } },
      { id: '1', type: 'error', payload: [{ message: 'no' }] },
      { id: '1', type: 'complete' },
    ];
    for (const message of others) expect(send(shared, message)).toBe(JSON.stringify(message));
    // A marked message that never reached a socket does not leak into the next one.
    JSON.stringify({ id: '9', type: 'next', payload: { data: 1 } }, shared.replacer);
    expect(shared.splice('{"id":"2","type":"complete"}')).toBe('{"id":"2","type":"complete"}');
    expect(shared.splice('{"id":"3","type":"next","payload":"@@shared-payload@@"}')).toBe(
      '{"id":"3","type":"next","payload":"@@shared-payload@@"}',
    );
  });
});

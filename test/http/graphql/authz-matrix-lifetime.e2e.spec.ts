import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorDirectory } from '../../../src/auth/operators.ts';
import type { OrderChangeListener } from '../../../src/projections/index.ts';
import { graphql, type Json, waitFor } from '../../support/http.ts';
import {
  expectNothingWritten,
  expectOutcome,
  openWorld,
  type SeededOrder,
  type World,
} from './authz-matrix-support.ts';
import {
  activeSubscriptions,
  expectRefusedWith,
  refusals,
  sseStream,
  wsClient,
  wsStream,
  type LiveStream,
} from './authz-matrix-streams.ts';

/**
 * Issue 4 point 7, rights over time: a revoked operator loses the right at once on every path,
 * open subscriptions included, even when another process revoked it (the server hears
 * `user_profiles` changes; it otherwise keeps an answer for a minute); and a refused
 * subscription leaves nothing behind that a stranger could pile up.
 */
let world: World;
let a1: SeededOrder;
const clients: Client[] = [];
const streams: LiveStream[] = [];

beforeAll(async () => {
  world = await openWorld();
  a1 = await world.placeOrder('customerA', 'matrix lifetime');
});
afterAll(async () => {
  for (const stream of streams) stream.close();
  for (const client of clients) await client.dispose();
  await world.close();
});

const DASHBOARD = 'subscription { ordersChanged { id events { message } } }';
const post = async (message: string) => {
  const { body } = await world.as(
    'operator',
    `mutation { postOrderMessage(id: "${a1.id}", message: "${message}") { id } }`,
  );
  expect(body.errors).toBeUndefined();
};
const delivered = (stream: LiveStream, message: string) =>
  stream.messages.some((m: Json) => m.data?.ordersChanged?.events.at(-1).message === message);
const track = <T extends LiveStream>(stream: T): T => {
  streams.push(stream);
  return stream;
};
const newWsClient = (token: string | undefined) => {
  const client = wsClient(world.server.url, token);
  clients.push(client);
  return client;
};

describe('an operator whose right is revoked', () => {
  it('loses it at once, revoked by another process: queries, mutations and the open dashboard subscriptions', async () => {
    const userId = randomUUID();
    await world.stack.grantOperator(userId);
    const token = await world.stack.token(userId);
    const as = (query: string, variables?: Record<string, unknown>) =>
      graphql(world.server.url, query, { token, ...(variables ? { variables } : {}) });
    // The server now holds "operator" in its cache: the revoke below has to outlive that entry.
    expect((await as('{ viewer { isOperator } }')).body.data.viewer).toEqual({ isOperator: true });

    const baseline = (await activeSubscriptions(world.server, 'sse')) + (await activeSubscriptions(world.server, 'ws'));
    const sse = track(await sseStream(world.server.url, DASHBOARD, {}, token));
    const ws = track(wsStream(newWsClient(token), DASHBOARD, {}));
    await waitFor(async () =>
      expect((await activeSubscriptions(world.server, 'sse')) + (await activeSubscriptions(world.server, 'ws'))).toBe(
        baseline + 2,
      ),
    );
    await post('before the revoke');
    await waitFor(() =>
      expect([delivered(sse, 'before the revoke'), delivered(ws, 'before the revoke')]).toEqual([true, true]),
    );

    // As `npm run cli -- operators revoke` does it: its own directory (another process, as far as
    // this server knows), so only the database's notice can tell the server's cache.
    const revokedAt = Date.now();
    await createOperatorDirectory(world.db.pool, { cacheMs: 0 }).revoke(userId);
    await waitFor(
      async () => expect((await as('{ viewer { isOperator } }')).body.data.viewer).toEqual({ isOperator: false }),
      1000,
    );
    expect(Date.now() - revokedAt).toBeLessThan(1000);

    const setStatus = await expectNothingWritten(world, [a1.id], () =>
      as('mutation ($id: ID!) { postOrderMessage(id: $id, message: "revoked") { id } }', { id: a1.id }),
    );
    expectOutcome(setStatus, 'postOrderMessage', 'FORBIDDEN');
    expectOutcome(await as('{ orders { edges { node { id } } } }'), 'orders', (connection: Json) =>
      expect(connection.edges).toEqual([]),
    );
    expectOutcome(await as(`{ order(id: "${a1.id}") { id } }`), 'order', 'NOT_FOUND');
    await expectRefusedWith(track(await sseStream(world.server.url, DASHBOARD, {}, token)), 'FORBIDDEN');

    // The open subscriptions end at their next delivery with FORBIDDEN: the change is not sent.
    const seen = { sse: sse.messages.length, ws: ws.messages.length };
    await post('after the revoke');
    await waitFor(() => expect([sse.isEnded(), ws.isEnded()]).toEqual([true, true]));
    expect(refusals(sse.messages.slice(seen.sse))).toEqual([{ codes: ['FORBIDDEN'], data: null }]);
    expect(refusals(ws.messages.slice(seen.ws))).toEqual([{ codes: ['FORBIDDEN'], data: null }]);
  });
});

describe('a user made an operator by another process', () => {
  it('is one at once', async () => {
    const userId = randomUUID();
    const token = await world.stack.token(userId);
    const viewer = async (): Promise<Json> =>
      (await graphql(world.server.url, '{ viewer { isOperator } }', { token })).body.data.viewer;
    // The server now holds "not an operator" in its cache.
    expect(await viewer()).toEqual({ isOperator: false });
    const grantedAt = Date.now();
    await createOperatorDirectory(world.db.pool, { cacheMs: 0 }).grant(userId);
    await waitFor(async () => expect(await viewer()).toEqual({ isOperator: true }), 1000);
    expect(Date.now() - grantedAt).toBeLessThan(1000);
  });
});

describe('a refused subscription', () => {
  it("leaves nothing listening on the change feed, for someone else's order or a missing one", async () => {
    const feed = world.server.runtime.readModel.changeFeed;
    const subscribe = feed.subscribe.bind(feed);
    let listening = 0;
    // Counts the listeners subscriptions add and remove; the feed itself is the real one.
    feed.subscribe = (listener: OrderChangeListener) => {
      listening++;
      const unsubscribe = subscribe(listener);
      let active = true;
      return () => {
        if (active) listening--;
        active = false;
        unsubscribe();
      };
    };
    try {
      const client = newWsClient(world.tokens.customerB);
      const refused: LiveStream[] = [];
      for (const id of [a1.id, randomUUID()]) {
        for (const query of [
          'subscription ($id: ID!) { orderUpdated(id: $id) { id } }',
          'subscription ($id: ID!) { orderEventAdded(id: $id) { id } }',
        ]) {
          refused.push(
            track(await sseStream(world.server.url, query, { id }, world.tokens.customerB)),
            track(wsStream(client, query, { id })),
          );
        }
      }
      for (const stream of refused) await expectRefusedWith(stream, 'NOT_FOUND');
      expect(listening).toBe(0);
    } finally {
      feed.subscribe = subscribe;
    }
  });
});

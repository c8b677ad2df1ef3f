import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, waitFor } from '../../support/http.ts';
import {
  PRINCIPALS,
  describeOutcome,
  isRejected,
  openWorld,
  type Principal,
  type RejectedToken,
  type SeededOrder,
  type World,
} from './authz-matrix-support.ts';
import {
  activeSubscriptions,
  expectRefusedWith,
  expectUnauthorised,
  sseStream,
  wsClient,
  wsStream,
  type LiveStream,
  type Transport,
} from './authz-matrix-streams.ts';

/**
 * Issue 4 point 7, subscriptions: every principal × every subscription × both transports. All
 * streams open at once on one server, one change is made to A's order, then each cell checks what
 * its stream got: the change, or exactly one refusal and an ended stream.
 */
let world: World;
let a1: SeededOrder;
const LIVE = 'matrix live change';
const TRANSPORTS: readonly Transport[] = ['sse', 'ws'];
type Refusal = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';
type Expected = Refusal | '401' | ((messages: readonly Json[]) => void);

interface Subscription {
  readonly name: string;
  readonly query: string;
  /** Names A's order: a refusal must look the same as for a missing one. */
  readonly perOrder: boolean;
  readonly expected: Record<Exclude<Principal, RejectedToken>, Expected>;
}

const sawLiveChange = (field: string, matches: (value: Json) => boolean) => (messages: readonly Json[]) =>
  expect(messages.some((message) => message.data?.[field] && matches(message.data[field]))).toBe(true);
const orderShowsLive = (value: Json) => value.id === a1.id && value.events.at(-1).message === LIVE;

const SUBSCRIPTIONS: readonly Subscription[] = [
  {
    name: 'orderUpdated',
    query: 'subscription ($id: ID!) { orderUpdated(id: $id) { id events { message } } }',
    perOrder: true,
    expected: {
      customerA: sawLiveChange('orderUpdated', orderShowsLive),
      operator: sawLiveChange('orderUpdated', orderShowsLive),
      customerB: 'NOT_FOUND',
      roleClaims: 'NOT_FOUND',
      noToken: 'UNAUTHENTICATED',
    },
  },
  {
    name: 'orderEventAdded',
    query: 'subscription ($id: ID!) { orderEventAdded(id: $id) { message } }',
    perOrder: true,
    expected: {
      customerA: sawLiveChange('orderEventAdded', (entry) => entry.message === LIVE),
      operator: sawLiveChange('orderEventAdded', (entry) => entry.message === LIVE),
      customerB: 'NOT_FOUND',
      roleClaims: 'NOT_FOUND',
      noToken: 'UNAUTHENTICATED',
    },
  },
  {
    name: 'ordersChanged',
    query: 'subscription { ordersChanged { id events { message } } }',
    perOrder: false,
    expected: {
      operator: sawLiveChange('ordersChanged', orderShowsLive),
      customerA: 'FORBIDDEN',
      customerB: 'FORBIDDEN',
      roleClaims: 'FORBIDDEN',
      noToken: 'UNAUTHENTICATED',
    },
  },
];

const expectedOf = (subscription: Subscription, principal: Principal): Expected =>
  isRejected(principal) ? '401' : subscription.expected[principal];
const key = (transport: Transport, name: string, principal: Principal, missing = false) =>
  `${transport}|${name}|${principal}${missing ? '|missing' : ''}`;
const streams = new Map<string, LiveStream>();
const clients: Client[] = [];

function open(
  transport: Transport,
  subscription: Subscription,
  principal: Principal,
  client: Client,
  id: string,
): Promise<LiveStream> {
  const variables = subscription.perOrder ? { id } : {};
  return transport === 'sse'
    ? sseStream(world.server.url, subscription.query, variables, world.tokens[principal])
    : Promise.resolve(wsStream(client, subscription.query, variables));
}

beforeAll(async () => {
  world = await openWorld();
  a1 = await world.placeOrder('customerA', 'matrix followed');
  const wsClients = new Map(
    PRINCIPALS.map((principal) => [principal, wsClient(world.server.url, world.tokens[principal])]),
  );
  clients.push(...wsClients.values());
  let live = 0;
  for (const transport of TRANSPORTS) {
    for (const subscription of SUBSCRIPTIONS) {
      for (const principal of PRINCIPALS) {
        const expected = expectedOf(subscription, principal);
        const client = wsClients.get(principal)!;
        streams.set(
          key(transport, subscription.name, principal),
          await open(transport, subscription, principal, client, a1.id),
        );
        if (typeof expected === 'function') live++;
        if (expected === 'NOT_FOUND')
          streams.set(
            key(transport, subscription.name, principal, true),
            await open(transport, subscription, principal, client, randomUUID()),
          );
      }
    }
  }
  // Every allowed subscription is listening before the change is made, so each must see it.
  await waitFor(
    async () =>
      expect((await activeSubscriptions(world.server, 'sse')) + (await activeSubscriptions(world.server, 'ws'))).toBe(
        live,
      ),
    10_000,
  );
  const posted = await world.as('operator', `mutation { postOrderMessage(id: "${a1.id}", message: "${LIVE}") { id } }`);
  expect(posted.body.errors).toBeUndefined();
  await waitFor(() => {
    for (const transport of TRANSPORTS) {
      for (const subscription of SUBSCRIPTIONS) {
        for (const principal of PRINCIPALS) {
          const expected = expectedOf(subscription, principal);
          if (typeof expected === 'function')
            expected(streams.get(key(transport, subscription.name, principal))!.messages);
        }
      }
    }
  }, 10_000);
});

afterAll(async () => {
  for (const stream of streams.values()) stream.close();
  for (const client of clients) await client.dispose();
  await world.close();
});

const cells = (subscription: Subscription) =>
  PRINCIPALS.map((principal) => {
    const expected = expectedOf(subscription, principal);
    return {
      principal,
      expected,
      label: typeof expected === 'function' ? 'gets the change' : describeOutcome(expected),
    };
  });

describe.each(TRANSPORTS)('over %s', (transport) => {
  describe.each(SUBSCRIPTIONS)('subscription $name', (subscription) => {
    it.each(cells(subscription))('as $principal: $label', async ({ principal, expected }) => {
      const stream = streams.get(key(transport, subscription.name, principal))!;
      if (typeof expected === 'function') {
        expected(stream.messages);
        expect(stream.isEnded()).toBe(false);
      } else if (expected === '401') {
        await expectUnauthorised(stream, transport);
      } else {
        // Ended after its one refusal, before A's order changed: nothing of the change reached it.
        await expectRefusedWith(stream, expected);
        if (expected === 'NOT_FOUND') {
          const missing = streams.get(key(transport, subscription.name, principal, true))!;
          await missing.ended;
          const blank = (messages: readonly Json[]) =>
            JSON.stringify(messages).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
          expect(blank(stream.messages)).toBe(blank(missing.messages));
        }
      }
    });
  });
});

import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Json } from '../../support/http.ts';
import { perSuite } from '../../support/suite.ts';
import {
  ORDER_INPUT,
  PRINCIPALS,
  describeOutcome,
  expectIndistinguishable,
  expectNothingWritten,
  expectOutcome,
  isRejected,
  openWorld,
  type Outcome,
  type Principal,
  type RejectedToken,
  type SeededOrder,
} from './authz-matrix-support.ts';

/**
 * Issue 4 point 7, mutations: every principal × every mutation over real HTTP. A refusal writes
 * nothing (the order's stream version and the store's head are unchanged) and, where it names an
 * order, answers exactly as it would for an order that does not exist.
 */
const world = perSuite(openWorld);
/** A's draft: the target of every refused cell. */
let a1: SeededOrder;
/** A's paid order: the operator approves it. */
let a2: SeededOrder;

beforeAll(async () => {
  a1 = await world.placeOrder('customerA', 'matrix target');
  a2 = await world.placeOrder('customerA', 'matrix paid');
  await world.pay(a2);
});

type Accepted = Exclude<Principal, RejectedToken>;
/** A check of the allowed answer, given the order the cell acted on. */
type Check = (target: SeededOrder) => Outcome;

interface Mutation {
  readonly name: string;
  readonly field: string;
  readonly query: string;
  readonly variables: (target: SeededOrder) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** The order an allowed cell acts on; a terminal change gets a fresh draft so cells stay independent. */
  readonly allowedTarget: () => Promise<SeededOrder> | SeededOrder;
  /** Whether an allowed cell writes (a dry run does not). */
  readonly writes: boolean;
  readonly expected: Record<Accepted, Check | Exclude<Outcome, (value: Json) => void>>;
}

const userOf = (principal: Accepted): string | undefined => (world.users as Record<string, string>)[principal];
const created =
  (principal: Accepted, actor: 'CUSTOMER' | 'OPERATOR'): Check =>
  () =>
  (payload: Json) => {
    expect(payload.order).toMatchObject({ userId: userOf(principal), orderStatus: 'DRAFT' });
    // The first timeline entry is the creation, made by this principal acting as `actor`.
    expect(payload.order.events[0].actor).toEqual({ type: actor, id: userOf(principal) });
  };
const canceled: Check = (target) => (order: Json) =>
  expect(order).toMatchObject({ id: target.id, orderStatus: 'CANCELED' });
const freshDraft = () => world.placeOrder('customerA', 'matrix fresh');
const onlyOperators = {
  customerA: 'FORBIDDEN',
  customerB: 'FORBIDDEN',
  roleClaims: 'FORBIDDEN',
  noToken: 'UNAUTHENTICATED',
} as const;
const linked: Check = (target) => (order: Json) =>
  expect(order).toEqual({
    id: target.id,
    publicTrackingUrl: expect.stringMatching(/\/track\/[A-Za-z0-9_-]{22,}$/) as unknown,
  });

const MUTATIONS: readonly Mutation[] = [
  {
    name: 'createProductionOrder',
    field: 'createProductionOrder',
    query:
      'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { userId orderStatus events { actor { type id } } } } }',
    variables: () => ({ input: ORDER_INPUT }),
    allowedTarget: () => a1,
    writes: false, // it writes a new order, not to the target; the head check below is for refusals
    expected: {
      customerA: created('customerA', 'CUSTOMER'),
      customerB: created('customerB', 'CUSTOMER'),
      // Operator-looking claims do not make the order an operator's.
      roleClaims: created('roleClaims', 'CUSTOMER'),
      operator: created('operator', 'OPERATOR'),
      noToken: 'UNAUTHENTICATED',
    },
  },
  {
    name: 'cancelOrder',
    field: 'cancelOrder',
    query: 'mutation ($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) { id orderStatus } }',
    variables: (target) => ({ id: target.id, reason: 'matrix cancel' }),
    allowedTarget: freshDraft,
    writes: true,
    expected: {
      customerA: canceled,
      operator: canceled,
      customerB: 'NOT_FOUND',
      roleClaims: 'NOT_FOUND',
      noToken: 'UNAUTHENTICATED',
    },
  },
  {
    // The right version is the tempting oracle: a stranger must not learn it exists (or its version).
    name: 'cancelOrder(expectedVersion)',
    field: 'cancelOrder',
    query:
      'mutation ($id: ID!, $v: Int) { cancelOrder(id: $id, reason: "matrix cancel", expectedVersion: $v) { id orderStatus } }',
    variables: async (target) => ({ id: target.id, v: await world.storedVersion(target.id) }),
    allowedTarget: freshDraft,
    writes: true,
    expected: {
      customerA: canceled,
      operator: canceled,
      customerB: 'NOT_FOUND',
      roleClaims: 'NOT_FOUND',
      noToken: 'UNAUTHENTICATED',
    },
  },
  {
    name: 'setOrderStatus',
    field: 'setOrderStatus',
    query:
      'mutation ($id: ID!) { setOrderStatus(id: $id, status: APPROVED, message: "matrix approve") { id orderStatus } }',
    variables: (target) => ({ id: target.id }),
    allowedTarget: () => a2,
    writes: true,
    // Even the owner may not move their own order: that is the operators' right.
    expected: {
      ...onlyOperators,
      operator: (target) => (order: Json) => expect(order).toEqual({ id: target.id, orderStatus: 'APPROVED' }),
    },
  },
  {
    name: 'setOrderPriority',
    field: 'setOrderPriority',
    query: 'mutation ($id: ID!) { setOrderPriority(id: $id, priority: RUSH) { id priority } }',
    variables: (target) => ({ id: target.id }),
    allowedTarget: () => a1,
    writes: true,
    expected: {
      ...onlyOperators,
      operator: (target) => (order: Json) => expect(order).toEqual({ id: target.id, priority: 'RUSH' }),
    },
  },
  {
    name: 'updateOrderNotes',
    field: 'updateOrderNotes',
    query: 'mutation ($id: ID!) { updateOrderNotes(id: $id, notes: "matrix notes") { id notes } }',
    variables: (target) => ({ id: target.id }),
    allowedTarget: () => a1,
    writes: true,
    expected: {
      ...onlyOperators,
      operator: (target) => (order: Json) => expect(order).toEqual({ id: target.id, notes: 'matrix notes' }),
    },
  },
  {
    name: 'postOrderMessage',
    field: 'postOrderMessage',
    query: 'mutation ($id: ID!) { postOrderMessage(id: $id, message: "matrix message") { id events { message } } }',
    variables: (target) => ({ id: target.id }),
    allowedTarget: () => a1,
    writes: true,
    expected: {
      ...onlyOperators,
      operator: () => (order: Json) => expect(order.events.at(-1).message).toBe('matrix message'),
    },
  },
  {
    name: 'issueTrackingLink',
    field: 'issueTrackingLink',
    query: 'mutation ($id: ID!) { issueTrackingLink(id: $id) { id publicTrackingUrl } }',
    variables: (target) => ({ id: target.id }),
    // A fresh draft per allowed cell: on an order with a link, issuing writes nothing.
    allowedTarget: freshDraft,
    writes: true,
    expected: {
      customerA: linked,
      operator: linked,
      customerB: 'NOT_FOUND',
      roleClaims: 'NOT_FOUND',
      noToken: 'UNAUTHENTICATED',
    },
  },
  {
    name: 'revokeTrackingLink',
    field: 'revokeTrackingLink',
    query: 'mutation ($id: ID!) { revokeTrackingLink(id: $id) { id publicTrackingUrl } }',
    variables: (target) => ({ id: target.id }),
    allowedTarget: async () => {
      const order = await freshDraft();
      await world.as('customerA', 'mutation ($id: ID!) { issueTrackingLink(id: $id) { id } }', { id: order.id });
      return order;
    },
    writes: true,
    // Even the owner may not revoke: a link is revoked when it leaked, which is the operators' call.
    expected: { ...onlyOperators, operator: linked },
  },
  {
    name: 'bulkSetOrderStatus',
    field: 'bulkSetOrderStatus',
    query:
      'mutation ($id: ID!) { bulkSetOrderStatus(input: { items: [{ id: $id }], status: CANCELED, message: "matrix bulk" }) { results { id ok order { orderStatus } error { code } } } }',
    variables: (target) => ({ id: target.id }),
    allowedTarget: freshDraft,
    writes: true,
    expected: {
      ...onlyOperators,
      operator: (target) => (payload: Json) =>
        expect(payload.results).toEqual([{ id: target.id, ok: true, order: { orderStatus: 'CANCELED' }, error: null }]),
    },
  },
  {
    name: 'bulkSetOrderStatus(dryRun)',
    field: 'bulkSetOrderStatus',
    query:
      'mutation ($id: ID!) { bulkSetOrderStatus(input: { items: [{ id: $id }], status: CANCELED, message: "matrix dry", dryRun: true }) { results { id ok order { orderStatus } error { code } } } }',
    variables: (target) => ({ id: target.id }),
    allowedTarget: () => a1,
    writes: false,
    expected: {
      ...onlyOperators,
      operator: (target) => (payload: Json) =>
        expect(payload.results).toEqual([{ id: target.id, ok: true, order: { orderStatus: 'DRAFT' }, error: null }]),
    },
  },
];

const cells = (mutation: Mutation) =>
  PRINCIPALS.map((principal) => {
    const expected = isRejected(principal) ? '401' : mutation.expected[principal];
    return { principal, expected, label: typeof expected === 'function' ? 'allowed' : describeOutcome(expected) };
  });

describe.each(MUTATIONS)('mutation $name', (mutation) => {
  it.each(cells(mutation))('as $principal: $label', async ({ principal, expected }) => {
    if (typeof expected === 'function') {
      const target = await mutation.allowedTarget();
      const before = await world.storedVersion(target.id);
      expectOutcome(
        await world.as(principal, mutation.query, await mutation.variables(target)),
        mutation.field,
        expected(target),
      );
      const after = await world.storedVersion(target.id);
      if (mutation.writes) expect(after).toBeGreaterThan(before);
      else expect(after).toBe(before);
      return;
    }
    // A refusal: nothing written anywhere, and the same answer as for an order that does not exist.
    const variables = await mutation.variables(a1);
    const response = await expectNothingWritten(world, [a1.id, a2.id], () =>
      world.as(principal, mutation.query, variables),
    );
    expectOutcome(response, mutation.field, expected);
    if ('id' in variables) {
      const missing = { id: randomUUID() };
      const ofMissing = await world.as(principal, mutation.query, { ...variables, id: missing.id });
      expectIndistinguishable(response, [a1.id], ofMissing, [missing.id]);
    }
  });
});

describe("someone else's order through mutations", () => {
  it("answers a stale expectedVersion on someone else's order with NOT_FOUND, exactly as for a missing order", async () => {
    const query = 'mutation ($id: ID!, $v: Int) { cancelOrder(id: $id, expectedVersion: $v) { id } }';
    const stale = (await world.storedVersion(a1.id)) + 5;
    const missing = randomUUID();
    const ofOther = await expectNothingWritten(world, [a1.id], () =>
      world.as('customerB', query, { id: a1.id, v: stale }),
    );
    expectOutcome(ofOther, 'cancelOrder', 'NOT_FOUND');
    expectIndistinguishable(ofOther, [a1.id], await world.as('customerB', query, { id: missing, v: stale }), [missing]);
  });

  it("gives a customer who replays another customer's key an order of their own, and leaves the first untouched", async () => {
    const CREATE =
      'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id userId } } }';
    const key = `matrix-${randomUUID()}`;
    const first = (await world.as('customerA', CREATE, { input: { ...ORDER_INPUT, idempotencyKey: key } })).body.data
      .createProductionOrder.order;
    const versionOfFirst = await world.storedVersion(first.id);
    const second = (await world.as('customerB', CREATE, { input: { ...ORDER_INPUT, idempotencyKey: key } })).body.data
      .createProductionOrder.order;
    expect(second.userId).toBe(world.users.customerB);
    expect(second.id).not.toBe(first.id);
    expect(await world.storedVersion(first.id)).toBe(versionOfFirst);
  });
});

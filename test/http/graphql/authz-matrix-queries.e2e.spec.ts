import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Json } from '../../support/http.ts';
import { perSuite } from '../../support/suite.ts';
import {
  PRINCIPALS,
  describeOutcome,
  expectIndistinguishable,
  expectNothingWritten,
  expectOutcome,
  isRejected,
  missingReference,
  openWorld,
  type Outcome,
  type Principal,
  type SeededOrder,
} from './authz-matrix-support.ts';

/** Issue 4 point 7, queries: every principal × every query, over real HTTP on one shared server. */
const world = perSuite(openWorld);
let a1: SeededOrder;
let a2: SeededOrder;
let b1: SeededOrder;
let asOf: string;
/** The token of a1's public tracking link. */
let trackingToken: string;

beforeAll(async () => {
  a1 = await world.placeOrder('customerA', 'matrix first of A');
  a2 = await world.placeOrder('customerA', 'matrix second of A');
  b1 = await world.placeOrder('customerB', 'matrix of B');
  const { body } = await world.as(
    'customerA',
    'mutation ($id: ID!) { issueTrackingLink(id: $id) { publicTrackingUrl } }',
    { id: a1.id },
  );
  trackingToken = (body.data.issueTrackingLink.publicTrackingUrl as string).split('/track/')[1]!;
  asOf = new Date().toISOString();
});

interface Query {
  readonly name: string;
  readonly field: string;
  readonly query: string;
  readonly variables: () => Record<string, unknown>;
  /** The same query for an order that does not exist, and what to blank out of each answer. */
  readonly missing?: () => { variables: Record<string, unknown>; target: string; named: string };
  /** Outcomes of the accepted principals; every rejected token must get 401. */
  readonly expected: () => Record<
    Exclude<Principal, 'expired' | 'wrongSignature' | 'tamperedPayload' | 'algNone' | 'wrongAudience'>,
    Outcome
  >;
}

const ids = (connection: Json): string[] =>
  (connection.edges as Json[]).map((edge) => edge.node as { id: string }).map((node) => node.id);
const listsExactly = (expected: () => string[]) => (connection: Json) => expect(ids(connection)).toEqual(expected());
const isOrder = (order: () => SeededOrder, owner: () => string) => (value: Json) =>
  expect(value).toEqual({ id: order().id, userId: owner() });
const CATALOG = (garments: Json) => expect((garments as { id: string }[]).map((g) => g.id)).toContain('classic-tee');
const ROUTE = (stops: Json) =>
  expect((stops as { id: string }[]).map((s) => s.id)).toEqual([
    'spec-review',
    'queued',
    'printing',
    'finishing',
    'ready',
  ]);
const TRACKED = (tracking: Json) => expect(tracking).toEqual({ reference: a1.reference, status: 'SPEC_REVIEW' });
const hidden = { customerB: 'NOT_FOUND', roleClaims: 'NOT_FOUND', noToken: 'UNAUTHENTICATED' } as const;

const QUERIES: readonly Query[] = [
  {
    name: 'viewer',
    field: 'viewer',
    query: '{ viewer { id isOperator } }',
    variables: () => ({}),
    expected: () => ({
      customerA: (v) => expect(v).toEqual({ id: world.users.customerA, isOperator: false }),
      customerB: (v) => expect(v).toEqual({ id: world.users.customerB, isOperator: false }),
      operator: (v) => expect(v).toEqual({ id: world.users.operator, isOperator: true }),
      roleClaims: (v) => expect(v).toEqual({ id: world.users.roleClaims, isOperator: false }),
      // The schema's documented answer for a request without a token.
      noToken: (v) => expect(v).toBeNull(),
    }),
  },
  {
    name: 'order',
    field: 'order',
    query: 'query ($id: ID!) { order(id: $id) { id userId } }',
    variables: () => ({ id: a1.id }),
    missing: () => {
      const id = randomUUID();
      return { variables: { id }, target: a1.id, named: id };
    },
    expected: () => ({
      customerA: isOrder(
        () => a1,
        () => world.users.customerA,
      ),
      operator: isOrder(
        () => a1,
        () => world.users.customerA,
      ),
      ...hidden,
    }),
  },
  {
    name: 'order(asOf)',
    field: 'order',
    query: 'query ($id: ID!, $asOf: DateTime) { order(id: $id, asOf: $asOf) { id userId } }',
    variables: () => ({ id: a1.id, asOf }),
    missing: () => {
      const id = randomUUID();
      return { variables: { id, asOf }, target: a1.id, named: id };
    },
    expected: () => ({
      customerA: isOrder(
        () => a1,
        () => world.users.customerA,
      ),
      operator: isOrder(
        () => a1,
        () => world.users.customerA,
      ),
      ...hidden,
    }),
  },
  {
    name: 'orderByReference',
    field: 'orderByReference',
    query: 'query ($reference: String!) { orderByReference(reference: $reference) { id userId } }',
    variables: () => ({ reference: a1.reference }),
    missing: () => {
      const reference = missingReference();
      return { variables: { reference }, target: a1.reference, named: reference };
    },
    expected: () => ({
      customerA: isOrder(
        () => a1,
        () => world.users.customerA,
      ),
      operator: isOrder(
        () => a1,
        () => world.users.customerA,
      ),
      ...hidden,
    }),
  },
  {
    name: 'orders',
    field: 'orders',
    query: '{ orders { edges { node { id } } } }',
    variables: () => ({}),
    expected: () => ({
      customerA: listsExactly(() => [a2.id, a1.id]),
      customerB: listsExactly(() => [b1.id]),
      roleClaims: listsExactly(() => []),
      operator: (connection) => expect(ids(connection)).toEqual(expect.arrayContaining([a1.id, a2.id, b1.id])),
      noToken: 'UNAUTHENTICATED',
    }),
  },
  {
    name: 'orders(filter: { userId: A })',
    field: 'orders',
    query: 'query ($userId: ID) { orders(filter: { userId: $userId }) { edges { node { id } } } }',
    variables: () => ({ userId: world.users.customerA }),
    expected: () => ({
      customerA: listsExactly(() => [a2.id, a1.id]),
      // Another user's id in the filter never widens a customer's list: the filter is operators'.
      customerB: 'FORBIDDEN',
      roleClaims: 'FORBIDDEN',
      operator: listsExactly(() => [a2.id, a1.id]),
      noToken: 'UNAUTHENTICATED',
    }),
  },
  {
    name: "orders(filter: { search: A's reference })",
    field: 'orders',
    query: 'query ($search: String) { orders(filter: { search: $search }) { edges { node { id } } } }',
    variables: () => ({ search: a1.reference }),
    expected: () => ({
      customerA: listsExactly(() => [a1.id]),
      customerB: listsExactly(() => []),
      roleClaims: listsExactly(() => []),
      operator: listsExactly(() => [a1.id]),
      noToken: 'UNAUTHENTICATED',
    }),
  },
  {
    name: 'garments',
    field: 'garments',
    query: '{ garments { id } }',
    variables: () => ({}),
    // The catalog is public: anyone may read it, but a bad token is still refused.
    expected: () => ({
      customerA: CATALOG,
      customerB: CATALOG,
      operator: CATALOG,
      roleClaims: CATALOG,
      noToken: CATALOG,
    }),
  },
  {
    name: 'trackOrder',
    field: 'trackOrder',
    query: 'query ($token: String!) { trackOrder(token: $token) { reference status } }',
    variables: () => ({ token: trackingToken }),
    // Anyone holding the link, signed in or not (a bad token is still refused), sees the progress.
    expected: () => ({
      customerA: TRACKED,
      customerB: TRACKED,
      operator: TRACKED,
      roleClaims: TRACKED,
      noToken: TRACKED,
    }),
  },
  {
    name: 'routeStops',
    field: 'routeStops',
    query: '{ routeStops { id } }',
    variables: () => ({}),
    expected: () => ({ customerA: ROUTE, customerB: ROUTE, operator: ROUTE, roleClaims: ROUTE, noToken: ROUTE }),
  },
];

const cells = (query: Query) =>
  PRINCIPALS.map((principal) => {
    const outcome: Outcome = isRejected(principal) ? '401' : query.expected()[principal];
    return { principal, outcome, label: describeOutcome(outcome) };
  });

describe.each(QUERIES)('query $name', (query) => {
  it.each(cells(query))('as $principal: $label, and writes nothing', async ({ principal, outcome }) => {
    const response = await expectNothingWritten(world, [a1.id], () =>
      world.as(principal, query.query, query.variables()),
    );
    expectOutcome(response, query.field, outcome);
    if (outcome === 'NOT_FOUND' && query.missing) {
      const missing = query.missing();
      const ofMissing = await world.as(principal, query.query, missing.variables);
      expectIndistinguishable(response, [missing.target], ofMissing, [missing.named]);
    }
  });
});

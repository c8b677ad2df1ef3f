import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { mintToken } from '../../../src/auth/tokens.ts';
import { formatPosition } from '../../../src/eventstore/eventStore.ts';
import { orderStreamId } from '../../../src/domain/order/index.ts';
import type { TestDatabase } from '../../support/db.ts';
import { graphql, type GraphQLResponse, type Json, waitFor } from '../../support/http.ts';
import { ISSUER, openStack, type Server, type Stack } from '../../support/stack.ts';

/**
 * Who asks, in issue 4 point 7's authorisation matrix. The rejected tokens all name the operator
 * as their subject: were any of them accepted, the request would succeed as an operator, so a
 * verification hole cannot hide behind "a customer is refused anyway".
 */
export const PRINCIPALS = [
  'customerA',
  'customerB',
  'operator',
  /** A valid customer token whose claims (role, user_metadata, app_metadata) all say "operator". */
  'roleClaims',
  'noToken',
  'expired',
  'wrongSignature',
  /** Customer A's real token with its payload swapped for the operator's `sub`. */
  'tamperedPayload',
  'algNone',
  'wrongAudience',
] as const;
export type Principal = (typeof PRINCIPALS)[number];
export const REJECTED_TOKENS = [
  'expired',
  'wrongSignature',
  'tamperedPayload',
  'algNone',
  'wrongAudience',
] as const satisfies readonly Principal[];
export type RejectedToken = (typeof REJECTED_TOKENS)[number];
export const isRejected = (principal: Principal): principal is RejectedToken =>
  (REJECTED_TOKENS as readonly Principal[]).includes(principal);

const AUDIENCE = 'authenticated';
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function makeTokens(secret: string, users: World['users']): Promise<Record<Principal, string | undefined>> {
  const hourFromNow = Math.floor(Date.now() / 1000) + 3600;
  const customerA = await mintToken({ secret, userId: users.customerA, audience: AUDIENCE, issuer: ISSUER });
  const [, payloadA = '', signatureA = ''] = customerA.split('.');
  const payload = JSON.parse(Buffer.from(payloadA, 'base64url').toString('utf8')) as Record<string, unknown>;
  return {
    customerA,
    customerB: await mintToken({ secret, userId: users.customerB, audience: AUDIENCE, issuer: ISSUER }),
    operator: await mintToken({ secret, userId: users.operator, audience: AUDIENCE, issuer: ISSUER }),
    roleClaims: await new SignJWT({
      role: 'operator',
      is_operator: true,
      user_metadata: { role: 'operator', is_operator: true, roles: ['operator'] },
      app_metadata: { role: 'operator', is_operator: true, roles: ['operator'] },
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(users.roleClaims)
      .setAudience(AUDIENCE)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(hourFromNow)
      .sign(new TextEncoder().encode(secret)),
    noToken: undefined,
    // Issued 13 h ago with the usual 12 h lifetime: expired an hour ago.
    expired: await mintToken({
      secret,
      userId: users.operator,
      audience: AUDIENCE,
      issuer: ISSUER,
      now: new Date(Date.now() - 13 * 3600_000),
    }),
    wrongSignature: await mintToken({
      secret: randomBytes(32).toString('base64url'),
      userId: users.operator,
      audience: AUDIENCE,
      issuer: ISSUER,
    }),
    tamperedPayload: `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...payload, sub: users.operator })}.${signatureA}`,
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: users.operator, aud: AUDIENCE, iss: ISSUER, role: 'authenticated', exp: hourFromNow })}.`,
    wrongAudience: await mintToken({ secret, userId: users.operator, audience: 'anon', issuer: ISSUER }),
  };
}

export interface SeededOrder {
  readonly id: string;
  readonly reference: string;
  readonly checkoutUrl: string;
}

/** One server on a fresh database, shared by every cell of a file, with its users and tokens. */
export interface World {
  readonly stack: Stack;
  readonly server: Server;
  readonly db: TestDatabase;
  readonly users: {
    readonly customerA: string;
    readonly customerB: string;
    readonly operator: string;
    readonly roleClaims: string;
  };
  readonly tokens: Readonly<Record<Principal, string | undefined>>;
  as(principal: Principal, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  /** A new draft order placed by that (accepted) principal. */
  placeOrder(principal: Principal, notes?: string): Promise<SeededOrder>;
  /** Pays through the simulated Checkout page and waits until the read model shows it submitted. */
  pay(order: SeededOrder): Promise<void>;
  /** The order's stream version in the event store (the source of truth, not the read model). */
  storedVersion(orderId: string): Promise<number>;
  close(): Promise<void>;
}

const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { checkoutUrl order { id reference } } }';
export const ORDER_INPUT = {
  designUrl: 'https://cdn.example.com/designs/matrix.png',
  garmentId: 'classic-tee',
  sizes: [{ size: 'M', quantity: 1 }],
};

export async function openWorld(): Promise<World> {
  // The matrix sends hundreds of bad tokens and places dozens of orders from one address within
  // a minute: it tests who may do what, not the rate limits (test/http/rate-limits.e2e.spec.ts does), so they are off.
  const stack = await openStack({
    // Two processes; the cells ask the second.
    servers: 2,
    env: {
      RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '0',
      RATE_LIMIT_ORDERS_PER_CUSTOMER: '0',
      RATE_LIMIT_ORDERS_PER_OPERATOR: '0',
    },
  });
  const server = stack.servers[1]!;
  const users = { customerA: randomUUID(), customerB: randomUUID(), operator: randomUUID(), roleClaims: randomUUID() };
  await stack.grantOperator(users.operator);
  const tokens = await makeTokens(stack.secret, users);
  const { eventStore } = server.runtime;

  const as: World['as'] = (principal, query, variables) => {
    const token = tokens[principal];
    return graphql(server.url, query, { ...(token ? { token } : {}), ...(variables ? { variables } : {}) });
  };
  return {
    stack,
    server,
    db: stack.db,
    users,
    tokens,
    as,
    async placeOrder(principal, notes) {
      const { body } = await as(principal, CREATE, { input: { ...ORDER_INPUT, ...(notes ? { notes } : {}) } });
      expect(body.errors).toBeUndefined();
      const { order, checkoutUrl } = body.data.createProductionOrder;
      return { id: order.id, reference: order.reference, checkoutUrl };
    },
    async pay(order) {
      const path = new URL(order.checkoutUrl).pathname;
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
        redirect: 'manual',
      });
      expect(response.status).toBe(303);
      await waitFor(async () => {
        const { body } = await as('operator', `{ order(id: "${order.id}") { orderStatus } }`);
        expect(body.data.order.orderStatus).toBe('SUBMITTED');
      }, 10_000);
    },
    storedVersion: async (orderId) => (await eventStore.readStream(orderStreamId(orderId), { maxCount: 1 })).version,
    async close() {
      await stack.close();
    },
  };
}

/** The newest position in the whole event store: unchanged means nothing at all was written. */
export async function headPosition(world: World): Promise<string> {
  const head = await world.server.runtime.eventStore.headPosition();
  return head ? formatPosition(head) : 'empty';
}

/** Runs `act` and checks that neither these orders' streams nor the store as a whole grew. */
export async function expectNothingWritten<T>(
  world: World,
  orderIds: readonly string[],
  act: () => Promise<T>,
): Promise<T> {
  const before = {
    head: await headPosition(world),
    versions: await Promise.all(orderIds.map((id) => world.storedVersion(id))),
  };
  const result = await act();
  const after = {
    head: await headPosition(world),
    versions: await Promise.all(orderIds.map((id) => world.storedVersion(id))),
  };
  expect(after).toEqual(before);
  return result;
}

/**
 * What one cell must answer: `401` (the whole request refused, no data), an error code in a 200
 * GraphQL result with the field null, or a check of the field's value.
 */
export type Outcome = '401' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | ((value: Json) => void);

export const describeOutcome = (outcome: Outcome): string =>
  typeof outcome === 'function' ? 'allowed' : outcome === '401' ? '401 UNAUTHENTICATED' : outcome;

export const codesOf = (body: Json): (string | undefined)[] =>
  ((body?.errors ?? []) as Json[]).map((error) => error.extensions?.code as string | undefined);

export function expectOutcome(response: GraphQLResponse, field: string, outcome: Outcome): void {
  const { status, body } = response;
  if (outcome === '401') {
    expect({ status, codes: codesOf(body), data: body.data }).toEqual({
      status: 401,
      codes: ['UNAUTHENTICATED'],
      data: undefined,
    });
  } else if (typeof outcome === 'string') {
    expect({ status, codes: codesOf(body), value: body.data?.[field] ?? null }).toEqual({
      status: 200,
      codes: [outcome],
      value: null,
    });
  } else {
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    outcome(body.data[field]);
  }
}

/**
 * A refusal for someone else's order must not tell it from a missing one: the same status and
 * the same body once the id (or reference) each named is blanked out.
 */
export function expectIndistinguishable(
  ofOther: GraphQLResponse,
  otherSecrets: readonly string[],
  ofMissing: GraphQLResponse,
  missingSecrets: readonly string[],
): void {
  const blank = (response: GraphQLResponse, secrets: readonly string[]) => ({
    status: response.status,
    body: secrets.reduce((text, secret) => text.replaceAll(secret, '<named>'), JSON.stringify(response.body)),
  });
  expect(blank(ofOther, otherSecrets)).toEqual(blank(ofMissing, missingSecrets));
}

export const missingReference = (): string => `PO-9${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regularMediaType } from '../../../src/http/graphql/fastQueries.ts';
import { graphql, newId } from '../../support/http.ts';
import { openStack, type Server, type Stack } from '../../support/stack.ts';

/**
 * POSTed JSON queries are answered beside yoga (fastQueries). Every request below is sent twice:
 * as is, and with `extensions: {}`, which yoga accepts and ignores but which always sends the
 * request through yoga. Both answers must be the same to the byte, and the metric must show
 * which went the direct way.
 */
const ORDER = `id reference userId status statusLabel orderStatus priority etaDays etaAt version position totalCents currency canceled holdReason notes createdAt updatedAt
  garment { id title priceCents } lineItems { size quantity technique }
  events { status statusLabel message occurredAt actor { type id } }
  route { id state reachedAt } allowedActions { action allowed reason code }`;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | null>;
  readonly body: string;
}

const COMPARED_HEADERS = ['content-type', 'access-control-allow-origin', 'access-control-allow-credentials', 'vary'];

describe('queries answered beside yoga', () => {
  let fx: Stack;
  let server: Server;
  let owner: string;
  let stranger: string;
  let orderId: string;

  beforeAll(async () => {
    fx = await openStack({ env: { CORS_ORIGINS: 'https://shop.example' } });
    server = fx.servers[0]!;
    owner = await fx.token(newId());
    stranger = await fx.token(newId());
    const { body } = await graphql(
      server.url,
      'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id } } }',
      {
        token: owner,
        variables: {
          input: {
            designUrl: 'https://cdn.example.com/designs/fox.png',
            garmentId: 'classic-tee',
            sizes: [{ size: 'M', quantity: 2 }],
          },
        },
      },
    );
    orderId = body.data.createProductionOrder.order.id;
  });
  afterAll(() => fx.close());

  async function post(payload: Record<string, unknown>, headers: Record<string, string>): Promise<Answer> {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(payload),
    });
    return {
      status: response.status,
      headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)])),
      body: await response.text(),
    };
  }

  async function directAnswers(): Promise<number> {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return Number(/^graphql_direct_answers_total (\d+)/m.exec(text)?.[1]);
  }

  /** Sends the request both ways; answers whether the plain one was answered directly. */
  async function bothWays(
    payload: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<{ direct: boolean; answer: Answer }> {
    const before = await directAnswers();
    const plain = await post(payload, headers);
    const afterPlain = await directAnswers();
    const throughYoga = await post({ ...payload, extensions: {} }, headers);
    expect(await directAnswers(), 'the request with extensions went through yoga').toBe(afterPlain);
    expect(plain).toEqual(throughYoga);
    return { direct: afterPlain === before + 1, answer: plain };
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const orderQuery = () => ({
    query: `query Order($id: ID!) { order(id: $id) { ${ORDER} } }`,
    variables: { id: orderId },
  });

  it.each([
    ['application/graphql-response+json', 'application/graphql-response+json; charset=utf-8'],
    ['application/json', 'application/json; charset=utf-8'],
    ['*/*', 'application/json; charset=utf-8'],
    ['application/graphql-response+json, application/json;q=0.9', 'application/graphql-response+json; charset=utf-8'],
    ['application/json, multipart/mixed', 'application/json; charset=utf-8'],
  ])('answers the owner its order with accept %s exactly as yoga does', async (accept, contentType) => {
    const { direct, answer } = await bothWays(orderQuery(), { ...bearer(owner), accept });
    expect(direct).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(contentType);
    expect(JSON.parse(answer.body).data.order.id).toBe(orderId);
  });

  it('answers without an accept header as yoga does', async () => {
    const { direct, answer } = await bothWays(orderQuery(), bearer(owner));
    expect(direct).toBe(true);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('adds the CORS headers for an allowed browser origin (CORS_ORIGINS), and none for another, as yoga does', async () => {
    const allowed = await bothWays(orderQuery(), {
      ...bearer(owner),
      accept: 'application/json',
      origin: 'https://shop.example',
    });
    expect(allowed.direct).toBe(true);
    expect(allowed.answer.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(allowed.answer.headers['access-control-allow-credentials']).toBe('true');
    expect(allowed.answer.headers.vary).toContain('Origin');
    for (const origin of ['https://evil.example', 'null']) {
      const refused = await bothWays(orderQuery(), { ...bearer(owner), accept: 'application/json', origin });
      expect(refused.direct).toBe(true);
      expect(refused.answer.headers['access-control-allow-origin']).toBeNull();
      expect(refused.answer.headers['access-control-allow-credentials']).toBeNull();
    }
  });

  it("answers another customer's order as NOT_FOUND, masked and with yoga's status", async () => {
    for (const accept of ['application/graphql-response+json', 'application/json']) {
      const { direct, answer } = await bothWays(orderQuery(), { ...bearer(stranger), accept });
      expect(direct).toBe(true);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('NOT_FOUND');
    }
  });

  it('answers a query without a token, variables that do not coerce and a chosen operation as yoga does', async () => {
    const anonymous = await bothWays(
      { query: '{ viewer { id isOperator } routeStops { id label } }' },
      { accept: 'application/json' },
    );
    expect(anonymous.direct).toBe(true);
    expect(JSON.parse(anonymous.answer.body).data.viewer).toBeNull();

    const uncoerced = await bothWays(
      {
        query: 'query ($first: Int) { orders(first: $first) { edges { node { id } } } }',
        variables: { first: 'many' },
      },
      { ...bearer(fx.operator), accept: 'application/graphql-response+json' },
    );
    expect(uncoerced.direct).toBe(true);
    expect(JSON.parse(uncoerced.answer.body).errors).toHaveLength(1);
    expect(JSON.parse(uncoerced.answer.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const chosen = await bothWays(
      { query: `query A { viewer { id } } query B { order(id: "${orderId}") { id status } }`, operationName: 'B' },
      { ...bearer(fx.operator), accept: 'application/json' },
    );
    expect(chosen.direct).toBe(true);
    expect(JSON.parse(chosen.answer.body).data.order.id).toBe(orderId);
  });

  it('leaves to yoga what it must answer itself: a bad token, a document with errors, a limit, a mutation, GET', async () => {
    const yogaOnly: [Record<string, unknown>, Record<string, string>, number | undefined][] = [
      [orderQuery(), { authorization: 'Bearer not-a-token', accept: 'application/json' }, 401],
      [
        { query: '{ order(id: "x") { nosuchfield } }' },
        { ...bearer(owner), accept: 'application/graphql-response+json' },
        400,
      ],
      [
        { query: `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }` },
        { ...bearer(owner), accept: 'application/graphql-response+json' },
        undefined,
      ],
      [
        { query: `mutation { cancelOrder(id: "${newId()}", expectedVersion: 1) { order { id } } }` },
        { ...bearer(owner), accept: 'application/json' },
        200,
      ],
      [
        { query: '{ viewer { id } }', operationName: 'Missing' },
        { ...bearer(owner), accept: 'application/graphql-response+json' },
        400,
      ],
    ];
    for (const [payload, headers, status] of yogaOnly) {
      const { direct, answer } = await bothWays(payload, headers);
      expect(direct, JSON.stringify(payload)).toBe(false);
      if (status !== undefined) expect(answer.status, answer.body).toBe(status);
    }
    const before = await directAnswers();
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ viewer { id } }')}`, {
      headers: { ...bearer(owner), accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(await directAnswers()).toBe(before);
  });
});

describe('the media type of a direct answer', () => {
  it("is yoga's choice: the header's types from last to first, the last match winning, utf-8 only", () => {
    expect(regularMediaType(undefined)).toBe('application/json');
    expect(regularMediaType('')).toBe('application/json');
    expect(regularMediaType('application/*')).toBe('application/json');
    expect(regularMediaType('application/json, application/graphql-response+json')).toBe('application/json');
    expect(regularMediaType('application/graphql-response+json;charset=latin1, application/json')).toBe(
      'application/json',
    );
    expect(regularMediaType('text/event-stream')).toBeUndefined();
    expect(regularMediaType('text/html')).toBeUndefined();
  });
});

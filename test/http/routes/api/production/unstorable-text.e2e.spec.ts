import { connect } from 'node:net';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, newId, request, subscribeSse } from '../../../../support/http.ts';
import { openStack, orderBody, type Stack } from '../../../../support/stack.ts';

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const BAD_TEXTS = [
  ['a NUL byte', NUL],
  ['a lone surrogate', LONE_SURROGATE],
] as const;

/** PostgreSQL stores neither; every text input refuses them at the edge, naming the field, writing nothing. */
describe('text PostgreSQL cannot store (NUL, lone surrogates)', () => {
  let stack: Stack;
  let customer: string;
  let operator: string;
  let orderId: string;
  beforeAll(async () => {
    stack = await openStack();
    customer = await stack.token(newId());
    operator = stack.operator;
    const created = await request(stack.url, 'POST', '/api/production', { token: customer, body: orderBody() });
    expect(created.status).toBe(201);
    orderId = created.body.orderId;
  });
  afterAll(() => stack.close());

  /** Runs `act`, and checks it wrote nothing at all. */
  async function writesNothing<T>(act: () => Promise<T>): Promise<T> {
    const before = await stack.eventCount();
    const result = await act();
    expect(await stack.eventCount()).toBe(before);
    return result;
  }

  describe.each(BAD_TEXTS)('with %s', (_, bad) => {
    it.each([
      ['garmentId', { garmentId: `classic-tee${bad}` }],
      ['notes', { notes: bad }],
      ['prompt', { prompt: bad }],
      ['designUrl', { designUrl: `https://cdn.example.com/${bad}.png` }],
      ['sizes[0].size', { sizes: [{ size: bad, quantity: 1 }] }],
    ])('POST /api/production refuses it in %s with a 400 naming the field', async (field, overrides) => {
      const answer = await writesNothing(() =>
        request(stack.url, 'POST', '/api/production', { token: customer, body: orderBody(overrides) }),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('BAD_USER_INPUT');
      expect(answer.body.errors).toContainEqual({ path: field, message: expect.stringMatching(/NUL|surrogate/) });
    });

    it.each([
      ['notes', { notes: bad }],
      ['message', { status: 'canceled', message: bad }],
      ['reason', { priority: 'hold', reason: bad }],
      ['trackingNumber', { status: 'fulfilled', trackingNumber: bad }],
      ['carrier', { status: 'fulfilled', carrier: bad }],
    ])('PATCH /api/production/:id refuses it in %s with a 400 naming the field', async (field, body) => {
      const answer = await writesNothing(() =>
        request(stack.url, 'PATCH', `/api/production/${orderId}`, { token: operator, body }),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toContainEqual({ path: field, message: expect.stringMatching(/NUL|surrogate/) });
    });

    it.each([
      [
        'input.notes',
        'mutation($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { checkoutUrl } }',
        () => ({ input: { ...gqlOrder(), notes: bad } }),
      ],
      [
        'input.garmentId',
        'mutation($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { checkoutUrl } }',
        () => ({ input: { ...gqlOrder(), garmentId: bad } }),
      ],
      [
        'input.sizes[0].size',
        'mutation($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { checkoutUrl } }',
        () => ({ input: { ...gqlOrder(), sizes: [{ size: bad, quantity: 1 }] } }),
      ],
      [
        'input.idempotencyKey',
        'mutation($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { checkoutUrl } }',
        () => ({ input: { ...gqlOrder(), idempotencyKey: bad } }),
      ],
      [
        'notes',
        'mutation($id: ID!, $notes: String!) { updateOrderNotes(id: $id, notes: $notes) { id } }',
        () => ({ id: orderId, notes: bad }),
      ],
      [
        'message',
        'mutation($id: ID!, $m: String!) { postOrderMessage(id: $id, message: $m) { id } }',
        () => ({ id: orderId, m: bad }),
      ],
      [
        'reason',
        'mutation($id: ID!, $r: String) { cancelOrder(id: $id, reason: $r) { id } }',
        () => ({ id: orderId, r: bad }),
      ],
      [
        'idempotencyKey',
        'mutation($id: ID!, $k: String) { setOrderStatus(id: $id, status: CANCELED, message: "x", idempotencyKey: $k) { id } }',
        () => ({ id: orderId, k: bad }),
      ],
      [
        'tracking.carrier',
        'mutation($id: ID!, $c: String) { setOrderStatus(id: $id, status: FULFILLED, tracking: { carrier: $c }) { id } }',
        () => ({ id: orderId, c: bad }),
      ],
      [
        'reason',
        'mutation($id: ID!, $r: String) { setOrderPriority(id: $id, priority: HOLD, reason: $r) { id } }',
        () => ({ id: orderId, r: bad }),
      ],
      [
        'input.items[0].id',
        'mutation($input: BulkSetOrderStatusInput!) { bulkSetOrderStatus(input: $input) { results { id } } }',
        () => ({ input: { items: [{ id: bad }], status: 'CANCELED', message: 'x' } }),
      ],
      ['id', 'mutation($id: ID!) { cancelOrder(id: $id, reason: "x") { id } }', () => ({ id: bad })],
      [
        'filter.search',
        'query($s: String) { orders(filter: { search: $s }) { edges { node { id } } } }',
        () => ({ s: bad }),
      ],
      [
        'filter.userId',
        'query($u: ID) { orders(filter: { userId: $u }) { edges { node { id } } } }',
        () => ({ u: bad }),
      ],
      ['reference', 'query($r: String!) { orderByReference(reference: $r) { id } }', () => ({ r: bad })],
      ['id', 'query($id: ID!) { order(id: $id) { id } }', () => ({ id: bad })],
      ['after', 'query($a: String) { orders(after: $a) { edges { node { id } } } }', () => ({ a: bad })],
    ])(
      'GraphQL refuses it in the variable feeding %s with BAD_USER_INPUT naming it',
      async (field, query, variables) => {
        const answer = await writesNothing(() =>
          graphql(stack.url, query, { token: operator, variables: variables() }),
        );
        expect(answer.body.errors).toHaveLength(1);
        expect(answer.body.errors[0].extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          fields: [{ path: field, message: expect.stringMatching(/NUL|surrogate/) }],
        });
        expect(answer.body.data ?? null).toBeNull();
      },
    );

    it('GraphQL refuses it written into the document as an argument', async () => {
      // GraphQL's string escapes are JSON's: "\u0000" is a NUL; "\ud800" alone is a syntax error of its own.
      const literal = JSON.stringify(bad);
      for (const [query, field] of [
        [`mutation { updateOrderNotes(id: "${orderId}", notes: ${literal}) { id } }`, 'notes'],
        [`query { orders(filter: { search: ${literal} }) { edges { node { id } } } }`, 'filter.search'],
        [`query { orderByReference(reference: ${literal}) { id } }`, 'reference'],
      ] as const) {
        const answer = await writesNothing(() => graphql(stack.url, query, { token: operator }));
        expect(answer.body.errors).toHaveLength(1);
        if (bad === NUL)
          expect(answer.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: field }] });
        else expect(answer.body.errors[0].message).toMatch(/^Syntax Error: Invalid Unicode escape sequence/);
      }
    });

    it('a GraphQL subscription over WebSocket refuses it too', async () => {
      const client = createClient({
        url: `${stack.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${operator}` },
      });
      try {
        const errors = await new Promise<readonly { extensions?: Record<string, unknown> }[]>((resolve, reject) => {
          client.subscribe(
            {
              query: 'subscription($s: String) { ordersChanged(filter: { search: $s }) { id } }',
              variables: { s: bad },
            },
            {
              next: (result) => resolve(result.errors ?? []),
              error: (error) => resolve(Array.isArray(error) ? error : [error as never]),
              complete: () => reject(new Error('completed without an answer')),
            },
          );
        });
        expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'filter.search' }] });
      } finally {
        await client.dispose();
      }
    });
  });

  it('a GraphQL subscription over SSE refuses it too', async () => {
    const subscription = await subscribeSse(stack.url, 'subscription($id: ID!) { orderUpdated(id: $id) { id } }', {
      token: operator,
      variables: { id: `${orderId}\u0000` },
    });
    try {
      const payload = await subscription.next();
      expect(payload.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'id' }] });
    } finally {
      subscription.cancel();
    }
  });

  it('refuses a NUL byte in the Idempotency-Key header before anything runs', async () => {
    const body = JSON.stringify(orderBody());
    const head = [
      'POST /api/production HTTP/1.1',
      `Host: ${new URL(stack.url).host}`,
      `Authorization: Bearer ${customer}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Idempotency-Key: key\u0000one',
      'Connection: close',
    ].join('\r\n');
    const reply = await writesNothing(
      () =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(Number(new URL(stack.url).port), '127.0.0.1');
          let text = '';
          socket.on('data', (chunk) => (text += chunk.toString('latin1')));
          socket.on('end', () => resolve(text));
          socket.on('error', reject);
          socket.end(`${head}\r\n\r\n${body}`, 'latin1');
        }),
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('GET /api/production refuses a NUL byte in its query string with a 400 naming the parameter', async () => {
    for (const name of ['search', 'after']) {
      const answer = await request(stack.url, 'GET', `/api/production?${name}=a%00b`, { token: operator });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toContainEqual({ path: `query.${name}`, message: expect.stringMatching(/NUL/) });
    }
  });

  it('answers ids that are not uuids with 400 or 404, never 500', async () => {
    for (const id of ['not-a-uuid', '%00', '%ED%A0%80']) {
      const read = await request(stack.url, 'GET', `/api/production/${id}`, { token: operator });
      expect([400, 404]).toContain(read.status);
      const patch = await request(stack.url, 'PATCH', `/api/production/${id}`, {
        token: operator,
        body: { notes: 'x' },
      });
      expect([400, 404]).toContain(patch.status);
    }
    const answer = await graphql(stack.url, 'query { order(id: "not-a-uuid") { id } }', { token: operator });
    expect(answer.body.errors?.[0]?.extensions?.code ?? 'none').not.toBe('INTERNAL_SERVER_ERROR');
    const cancel = await graphql(stack.url, 'mutation { cancelOrder(id: "not-a-uuid", reason: "x") { id } }', {
      token: operator,
    });
    expect(cancel.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

/** A valid GraphQL order input for the seeded catalog. */
function gqlOrder(): Record<string, unknown> {
  return {
    designUrl: 'https://cdn.example.com/designs/fox.png',
    garmentId: 'classic-tee',
    sizes: [{ size: 'M', quantity: 2 }],
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startFreezingProxy, type FreezingProxy } from '../support/proxy.ts';
import { graphql, type GraphQLResponse, newId, waitFor } from '../support/http.ts';
import { type ServerStack, startStack } from '../support/stack.ts';

/** Short bounds so the test is quick: a request against a dead or frozen database answers within about QUERY_TIMEOUT_MS (+ CONNECT_TIMEOUT_MS). */
const CONNECT_TIMEOUT_MS = 1000;
const QUERY_TIMEOUT_MS = 1500;
const BOUND_MS = QUERY_TIMEOUT_MS + CONNECT_TIMEOUT_MS + 1500;

const LIST = '{ orders(first: 5) { edges { node { id } } } }';
const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id } } }';
const input = () => ({
  designUrl: 'https://cdn.example.com/designs/fox.png',
  garmentId: 'classic-tee',
  sizes: [{ size: 'M', quantity: 1 }],
});

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

const codes = (response: GraphQLResponse): unknown[] =>
  ((response.body.errors ?? []) as { extensions?: { code?: string } }[]).map((error) => error.extensions?.code);

describe('a database that is frozen or down', () => {
  let db: TestDatabase;
  let proxy: FreezingProxy;
  let stack: ServerStack;
  let url: string;
  let customer: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = await startFreezingProxy({ host: target.hostname, port: Number(target.port) });
    // Over TCP through the proxy (the test URL may name a Unix socket as its host).
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    proxied.searchParams.delete('host');
    stack = await startStack(proxied.toString(), {
      env: {
        DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        DATABASE_STATEMENT_TIMEOUT_MS: '1000',
        DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      },
    });
    url = stack.first.url;
    customer = await stack.token(newId());
    // Warm: the pools hold connections, and an order exists.
    const created = await graphql(url, CREATE, { token: customer, variables: { input: input() } });
    expect(created.body.errors).toBeUndefined();
  });
  afterAll(async () => {
    proxy.thaw();
    await proxy.restore().catch(() => undefined);
    await stack?.close();
    await proxy.close();
    await db.close();
  });

  const createOverRest = () =>
    fetch(`${url}/api/production`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${customer}` },
      body: JSON.stringify(input()),
    });

  async function expectUnavailable(): Promise<number[]> {
    const query = await timed(() => graphql(url, LIST, { token: customer }));
    expect(query.result.status).toBe(503);
    expect(codes(query.result)).toEqual(['SERVICE_UNAVAILABLE']);
    const mutation = await timed(() => graphql(url, CREATE, { token: customer, variables: { input: input() } }));
    expect(mutation.result.status).toBe(503);
    expect(codes(mutation.result)).toEqual(['SERVICE_UNAVAILABLE']);
    const rest = await timed(async () => {
      const response = await createOverRest();
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        body: (await response.json()) as { code: string; status: number },
      };
    });
    expect(rest.result.status).toBe(503);
    expect(rest.result.type).toMatch(/^application\/problem\+json/);
    expect(rest.result.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    const times = [query.ms, mutation.ms, rest.ms];
    for (const ms of times) expect(ms).toBeLessThan(BOUND_MS);
    return times;
  }

  async function expectRecovered(): Promise<void> {
    await waitFor(async () => {
      const response = await graphql(url, LIST, { token: customer });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
    }, 20_000);
    const created = await graphql(url, CREATE, { token: customer, variables: { input: input() } });
    expect(created.body.errors).toBeUndefined();
    expect((await createOverRest()).status).toBe(201);
  }

  it('answers 503 SERVICE_UNAVAILABLE within the bound while frozen, and serves again once it thaws, without a restart', async () => {
    proxy.blackHole();
    const times = await expectUnavailable();
    process.stdout.write(
      `frozen database: answered 503 in ${times.map((ms) => Math.round(ms)).join(', ')} ms (query, mutation, REST)\n`,
    );
    proxy.thaw();
    await expectRecovered();
  }, 60_000);

  it('answers 503 SERVICE_UNAVAILABLE when it refuses connections, and serves again once it is back', async () => {
    await proxy.refuse();
    const times = await expectUnavailable();
    process.stdout.write(
      `database down: answered 503 in ${times.map((ms) => Math.round(ms)).join(', ')} ms (query, mutation, REST)\n`,
    );
    await proxy.restore();
    await expectRecovered();
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, startApp } from '../support/http.ts';
import { openStack, type Server, type Stack } from '../support/stack.ts';

const ALLOWED = 'https://shop.example';
const REFUSED = ['https://evil.example', 'null', 'https://shop.example.evil.example'];
const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id } checkoutUrl } }';
const INPUT = {
  designUrl: 'https://cdn.example.com/designs/owl.png',
  garmentId: 'classic-tee',
  sizes: [{ size: 'M', quantity: 1 }],
};

/** The CSP header as directive → sources. */
function directives(header: string | null): Record<string, string[]> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
}

/** The app's policy; developer pages (GraphiQL, /docs) also allow inline styles, never inline scripts. */
function expectHardened(response: Response, what: string, page: 'app' | 'developer' = 'app'): void {
  const csp = directives(response.headers.get('content-security-policy'));
  expect(csp, what).toMatchObject({
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': page === 'app' ? ["'self'"] : ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'https:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  });
  expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(response.headers.get('x-frame-options'), what).toBe('DENY');
}

describe('security headers and CORS', () => {
  let fx: Stack;
  let server: Server;
  let token: string;

  beforeAll(async () => {
    fx = await openStack({ env: { CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` } });
    server = fx.servers[0]!;
    token = await fx.token(newId());
  });
  afterAll(() => fx.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });
  const preflight = (path: string, origin: string) =>
    fetch(`${server.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });

  it('sends the CSP, nosniff and frame-ancestors on a page, on /graphql and on /api', async () => {
    const created = await (await post('/graphql', { query: CREATE, variables: { input: INPUT } })).json();
    const checkoutPath = new URL(created.data.createProductionOrder.checkoutUrl as string).pathname;
    const page = await fetch(`${server.url}${checkoutPath}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expectHardened(page, 'the simulated checkout page');

    const docs = await fetch(`${server.url}/docs/`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expectHardened(docs, '/docs', 'developer');
    const graphiql = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.headers.get('content-type')).toContain('text/html');
    expectHardened(graphiql, 'GraphiQL', 'developer');
    // GraphiQL's page: small, nothing inline that runs; its bundle a cacheable file of this origin.
    const html = await graphiql.text();
    expect(html.length).toBeLessThan(10_000);
    // A server with its own secret (not the generated dev one) offers nobody's token.
    expect(html).not.toContain('Bearer');
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!);
    expect(
      scripts.every((attributes) => /\bsrc="\/graphiql\/|type="application\/json"/.test(attributes)),
      scripts.join(' | '),
    ).toBe(true);
    const bundlePath = /<script src="([^"]+)"/.exec(html)![1]!;
    const bundle = await fetch(`${server.url}${bundlePath}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('text/javascript');
    expect(bundle.headers.get('cache-control')).toContain('immutable');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
    expect((await fetch(`${server.url}/graphiql/0000000000000000/graphiql.js`)).status).toBe(404);

    expectHardened(await post('/graphql', { query: '{ viewer { id } }' }), '/graphql (a query)');
    expectHardened(
      await post('/graphql', { query: CREATE, variables: { input: INPUT } }),
      '/graphql (a mutation, answered by yoga)',
    );
    expectHardened(
      await fetch(`${server.url}/api/production`, { headers: { authorization: `Bearer ${token}` } }),
      '/api/production',
    );
    expectHardened(await fetch(`${server.url}/api/production/not-a-route/x`), 'a 404');
  });

  it.each(['/graphql', '/api/production'])('answers a preflight to %s for an allowed origin only', async (path) => {
    const allowed = await preflight(path, ALLOWED);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('authorization, content-type, idempotency-key');
    expect(allowed.headers.get('vary')).toContain('Origin');
    expect((await preflight(path, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBe(
      'http://localhost:5173',
    );

    for (const origin of REFUSED) {
      const refused = await preflight(path, origin);
      expect(refused.status, origin).toBe(403);
      expect(refused.headers.get('content-type'), origin).toContain('application/problem+json');
      expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials'), origin).toBeNull();
      expect(refused.headers.get('access-control-allow-methods'), origin).toBeNull();
    }
  });

  it.each([
    ['/graphql, a query (answered beside yoga)', '/graphql', { query: '{ viewer { id } }' }, 200],
    ['/graphql, a mutation (answered by yoga)', '/graphql', { query: CREATE, variables: { input: INPUT } }, 200],
    ['/api/production', '/api/production', INPUT, 201],
  ] as const)('lets an allowed origin read a POST to %s, and no other', async (_what, path, body, status) => {
    const allowed = await post(path, body, { origin: ALLOWED });
    expect(allowed.status).toBe(status);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('Retry-After');
    for (const origin of REFUSED) {
      const refused = await post(path, body, { origin });
      expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials'), origin).toBeNull();
    }
  });

  it('sends no CORS headers at all without CORS_ORIGINS (same origin only)', async () => {
    const running = await startApp();
    try {
      const query = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ALLOWED },
        body: JSON.stringify({ query: '{ viewer { id } }' }),
      });
      expect(query.status).toBe(200);
      expect(query.headers.get('access-control-allow-origin')).toBeNull();
      const refused = await fetch(`${running.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin: 'null', 'access-control-request-method': 'POST' },
      });
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await running.close();
    }
  });
});

/**
 * The HTTP side of the test harness: the clients every e2e test talks to a server with (GraphQL
 * over HTTP and SSE, REST `request`, `waitFor`), and `startApp`, the app alone with stand-ins for
 * a test of one HTTP concern. The server stack itself is `stack.ts`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { createAuthenticator } from '../../src/auth/authenticate.ts';
import { createTokenVerifier, mintToken } from '../../src/auth/tokens.ts';
import { createMetrics, type Metrics } from '../../src/metrics.ts';
import { buildApp, type AppDeps } from '../../src/http/app.ts';
import type { GarmentRecord } from '../../src/http/graphql/resolvers/catalog.ts';

export const AUDIENCE = 'authenticated';

export const GARMENTS: readonly GarmentRecord[] = [
  {
    id: 'tee-heavy',
    title: 'Heavyweight Tee',
    priceCents: 2450,
    sizes: ['S', 'M', 'L'],
    imageUrl: 'https://img.example/tee.png',
  },
  { id: 'hoodie', title: 'Pullover Hoodie', priceCents: 4800, sizes: ['M', 'L', 'XL'], imageUrl: null },
];

export interface RunningApp {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly secret: string;
  readonly metrics: Metrics;
  /** Users made operators through the in-memory directory below. */
  readonly operators: Set<string>;
  token(
    userId: string,
    options?: { ttlSeconds?: number; audience?: string; secret?: string; now?: Date },
  ): Promise<string>;
  close(): Promise<void>;
}

/**
 * The app alone, for a test of one HTTP concern (its own stack is `stack.ts`): the real app on a real port (127.0.0.1:0) with a real HS256 verifier; what is not this area's
 * (database, event store, catalog, operators) is the smallest stand-in the test needs.
 */
export async function startApp(
  overrides: Partial<AppDeps> = {},
  options: { readonly clock?: () => Date } = {},
): Promise<RunningApp> {
  const secret = randomBytes(32).toString('base64url');
  const operators = new Set<string>();
  const metrics = overrides.metrics ?? createMetrics({ defaultMetrics: false });
  const authenticator = createAuthenticator({
    verifier: createTokenVerifier({
      key: { kind: 'secret', secret },
      audience: AUDIENCE,
      ...(options.clock ? { clock: options.clock } : {}),
    }),
    operators: { isOperator: (userId) => Promise.resolve(operators.has(userId)) },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = await buildApp({
    pool: { query: (() => Promise.resolve({ rows: [] })) as never },
    eventStore: { headPosition: () => Promise.resolve(undefined) },
    authenticator,
    metrics,
    garments: { list: () => Promise.resolve(GARMENTS) },
    introspection: true,
    ...overrides,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url: address,
    secret,
    metrics,
    operators,
    token: (userId, options = {}) =>
      mintToken({ secret: options.secret ?? secret, userId, audience: options.audience ?? AUDIENCE, ...options }),
    close: () => app.close(),
  };
}

/** A fresh user (or order) id. */
export const newId = (): string => randomUUID();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests check the shape themselves
export type Json = any;
export interface GraphQLResponse {
  readonly status: number;
  readonly body: Json;
  readonly headers: Headers;
}

/** POST a GraphQL operation; returns status, headers and the parsed body. */
export async function graphql(
  url: string,
  query: string,
  options: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** Polls until `check` passes (no fixed sleeps); fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** One GraphQL-over-SSE subscription read with fetch, as a browser's EventSource would. */
export interface SseSubscription {
  /** The next `next` payload (waits for it). */
  next(): Promise<Json>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  cancel(): void;
}

export async function subscribeSse(
  url: string,
  query: string,
  options: { token?: string; variables?: Record<string, unknown> } = {},
): Promise<SseSubscription> {
  // node:http rather than fetch: cancel() must close the connection as a browser's EventSource
  // does; fetch's abort leaves the socket to its keep-alive timer.
  const body = JSON.stringify({ query, variables: options.variables });
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = httpRequest(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
    });
    request.on('response', resolve).on('error', reject).end(body);
  });
  if (response.statusCode !== 200) throw new Error(`SSE subscribe failed: ${response.statusCode}`);
  const queue: Json[] = [];
  const waiters: ((value: Json) => void)[] = [];
  const ended = (async () => {
    let buffer = '';
    try {
      for await (const chunk of response.setEncoding('utf8')) {
        buffer += chunk as string;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'next' && data) {
            const payload: Json = JSON.parse(data);
            const waiter = waiters.shift();
            if (waiter) waiter(payload);
            else queue.push(payload);
          }
        }
      }
    } catch {
      // destroyed by cancel()
    }
  })();
  return {
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiters.push(resolve))),
    ended,
    cancel: () => response.destroy(),
  };
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test checks the shape it needs
  readonly body: any;
}

/** A JSON request over real HTTP. */
export async function request(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined || options.rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.rawBody !== undefined
      ? { body: options.rawBody }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text (HTML pages)
  }
  return { status: response.status, headers: response.headers, body };
}

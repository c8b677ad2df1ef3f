import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, newId, request, type RunningApp, startApp, waitFor } from '../support/http.ts';
import { openStack, orderBody, type Stack } from '../support/stack.ts';

/** pino's output as parsed lines, captured from the app's own logger. */
function captured() {
  const raw: string[] = [];
  return {
    stream: { write: (chunk: string) => void raw.push(...chunk.split('\n').filter(Boolean)) },
    raw,
    lines: () =>
      raw.map(
        (line) =>
          JSON.parse(line) as {
            level: number;
            reqId?: string;
            msg: string;
            req?: { url: string };
            res?: { statusCode: number };
          },
      ),
  };
}

/** No line is longer than this: a few kB per string, a bounded number of them. */
const MAX_LINE = 16_384;
const ERROR_LEVEL = 50;

describe('logs', () => {
  const log = captured();
  let stack: Stack;
  let customer: string;
  beforeAll(async () => {
    stack = await openStack({ logger: { level: 'info', stream: log.stream } });
    customer = await stack.token(newId());
  });
  afterAll(() => stack.close());

  /** Waits for the request lines of `count` requests made since `from` lines were captured. */
  const requestLines = (from: number, count: number) =>
    waitFor(() => {
      const lines = log
        .lines()
        .slice(from)
        .filter((line) => line.reqId !== undefined);
      expect(lines.filter((line) => line.msg === 'request completed')).toHaveLength(count);
      return lines;
    });

  it("writes one info line per request, and none at error level for a customer's mistakes", async () => {
    const from = log.raw.length;
    const answers = [
      await request(stack.url, 'GET', `/api/production/${newId()}`, { token: customer }),
      await request(stack.url, 'GET', '/api/no-such-route', { token: customer }),
      await request(stack.url, 'POST', '/api/production', { token: customer, body: orderBody({ sizes: [] }) }),
      await request(stack.url, 'POST', '/api/production', { token: customer, rawBody: '{"designUrl": ' }),
      await request(stack.url, 'GET', `/api/production/${newId()}`, { token: 'not-a-token' }),
      await graphql(stack.url, `{ order(id: "${newId()}") { id } }`, { token: customer }),
      await graphql(stack.url, 'mutation { cancelOrder(id: "x", reason: "\\u0000") { id } }', { token: customer }),
      await graphql(stack.url, '{ viewer { id } }', { token: 'not-a-token' }),
      await graphql(stack.url, '{ orders(first: "many") { edges { cursor } } }', { token: customer }),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 404, 400, 400, 401, 200, 200, 401, 400]);
    const lines = await requestLines(from, answers.length);
    expect(lines.filter((line) => line.level >= ERROR_LEVEL)).toEqual([]);
    // One line per request: each request id appears once, on its completion line.
    const ids = lines.map((line) => line.reqId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(lines.map((line) => line.res?.statusCode)).toEqual(answers.map((a) => a.status));
  });

  it('writes no line for health checks and metrics scrapes at the default level', async () => {
    const from = log.raw.length;
    for (const path of ['/healthz', '/readyz', '/metrics', '/healthz'])
      expect((await request(stack.url, 'GET', path)).status).toBe(200);
    await request(stack.url, 'GET', '/api/garments');
    const lines = await requestLines(from, 1);
    expect(lines.map((line) => line.req?.url)).toEqual(['/api/garments']);
  });

  it('keeps a 520 kB request body out of the logs, and every line short', async () => {
    const from = log.raw.length;
    const marker = 'SECRET-BODY-';
    const big = marker.repeat(Math.ceil(520_000 / marker.length));
    await request(stack.url, 'POST', '/api/production', {
      token: customer,
      body: orderBody({ notes: big, prompt: `${big}\u0000` }),
    });
    await request(stack.url, 'PATCH', `/api/production/${newId()}?token=${marker}`, {
      token: customer,
      body: { notes: big },
    });
    await graphql(stack.url, 'query($s: String) { orders(filter: { search: $s }) { edges { cursor } } }', {
      token: customer,
      variables: { s: `${big}\u0000` },
    });
    await requestLines(from, 3);
    for (const line of log.raw.slice(from)) {
      expect(line.length).toBeLessThan(MAX_LINE);
      expect(line).not.toContain(marker);
    }
  });
});

describe('an unexpected error quoting its input', () => {
  const log = captured();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({
      logger: { level: 'info', stream: log.stream },
      routes: [
        (fastify) => {
          // As a driver's error may quote the value it choked on.
          fastify.post('/echo-failure', { config: { authenticate: false } }, (request) => {
            throw new Error(`could not store ${JSON.stringify(request.body)}`);
          });
          return Promise.resolve();
        },
      ],
    });
  });
  afterAll(() => app.close());

  it('is logged at error level, cut to the bound', async () => {
    const response = await fetch(`${app.url}/echo-failure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'x'.repeat(520_000) }),
    });
    expect(response.status).toBe(500);
    const errorLine = await waitFor(() => {
      const line = log.raw.find((raw) => raw.includes('"level":50'));
      expect(line).toBeDefined();
      return line!;
    });
    expect(errorLine.length).toBeLessThan(MAX_LINE);
    expect(errorLine).toMatch(/more characters/);
    for (const line of log.raw) expect(line.length).toBeLessThan(MAX_LINE);
  });
});

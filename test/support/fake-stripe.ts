import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for api.stripe.com (127.0.0.1, port 0). It records every request with its
 * headers and form body, answers checkout sessions and refunds with Stripe's own fixture objects
 * filled in from the request, and replays the first answer for a repeated `Idempotency-Key`
 * (a different body under the same key is refused, as Stripe refuses it).
 */

export interface RecordedStripeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw `application/x-www-form-urlencoded` body. */
  readonly body: string;
  /** The body decoded into nested objects and arrays, as Stripe reads it. */
  readonly params: Record<string, unknown>;
}

export interface FakeStripe {
  /** `http://127.0.0.1:<port>`, for `STRIPE_API_BASE`. */
  readonly url: string;
  readonly requests: RecordedStripeRequest[];
  /** Answer the next `count` requests to `path` with `status` (a Stripe api_error body). */
  failNext(path: string, status: number, count?: number): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../webhooks/fixtures/${name}.json`, import.meta.url), 'utf8')) as Json;
const field = (value: unknown, key: string): unknown =>
  value && typeof value === 'object' ? (value as Json)[key] : undefined;

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedStripeRequest[] = [];
  const idempotent = new Map<string, { body: string; status: number; response: unknown }>();
  const failures = new Map<string, { status: number; count: number }>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const params = decodeForm(body);
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body, params });
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'request-id': `req_${randomBytes(7).toString('hex')}`,
        });
        res.end(JSON.stringify(json));
      };
      if (!/^Bearer sk_(test|live)_\w+$/.test(req.headers.authorization ?? '')) {
        return answer(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      }
      const failure = failures.get(path);
      if (failure && failure.count > 0) {
        failure.count -= 1;
        return answer(failure.status, { error: { type: 'api_error', message: 'Injected failure' } });
      }
      const key = req.headers['idempotency-key'];
      const keyed = typeof key === 'string' ? idempotent.get(`${path} ${key}`) : undefined;
      if (keyed) {
        if (keyed.body !== body) {
          return answer(400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with.`,
            },
          });
        }
        return answer(keyed.status, keyed.response);
      }
      const [status, response] = route(req.method ?? 'GET', path, params);
      if (typeof key === 'string') idempotent.set(`${path} ${key}`, { body, status, response });
      answer(status, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (path, status, count = 1) => failures.set(path, { status, count }),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function route(method: string, path: string, params: Json): [number, unknown] {
  if (method === 'POST' && path === '/v1/checkout/sessions') return [200, checkoutSession(params)];
  if (method === 'POST' && path === '/v1/refunds') return [200, refund(params)];
  return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } }];
}

function checkoutSession(params: Json): Json {
  const session = fixture('checkout.session');
  const id = `cs_test_${randomBytes(24).toString('base64url')}`;
  const lines = Array.isArray(params.line_items) ? (params.line_items as unknown[]) : [];
  const total = lines.reduce<number>(
    (sum, line) =>
      sum + Number(field(field(line, 'price_data'), 'unit_amount') ?? 0) * Number(field(line, 'quantity') ?? 0),
    0,
  );
  return {
    ...session,
    id,
    url: `https://checkout.stripe.com/c/pay/${id}`,
    mode: params.mode,
    status: 'open',
    payment_status: 'unpaid',
    payment_intent: null,
    amount_subtotal: total,
    amount_total: total,
    currency: lines.length > 0 ? 'usd' : null,
    metadata: params.metadata ?? {},
    client_reference_id: params.client_reference_id ?? null,
    success_url: params.success_url,
    cancel_url: params.cancel_url,
    created: Math.floor(Date.now() / 1000),
    expires_at: Math.floor(Date.now() / 1000) + 24 * 3600,
  };
}

function refund(params: Json): Json {
  return {
    ...fixture('refund'),
    id: `re_${randomBytes(12).toString('hex')}`,
    payment_intent: params.payment_intent ?? null,
    amount: params.amount === undefined ? 0 : Number(params.amount),
    reason: params.reason ?? null,
    metadata: params.metadata ?? {},
    created: Math.floor(Date.now() / 1000),
  };
}

/** `a[b][0][c]=v` → `{ a: { b: [{ c: 'v' }] } }`, Stripe's form encoding of nested parameters. */
export function decodeForm(body: string): Json {
  const root: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\[|\]\[|\]$/).filter((part) => part !== '');
    let node = root as Record<string | number, unknown>;
    path.forEach((part, index) => {
      const slot = Array.isArray(node) ? Number(part) : part;
      if (index === path.length - 1) {
        node[slot] = value;
        return;
      }
      node[slot] ??= /^\d+$/.test(path[index + 1] ?? '') ? [] : {};
      node = node[slot] as Record<string | number, unknown>;
    });
  }
  return root;
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { createAuthenticator } from '../../src/auth/authenticate.ts';
import { createTokenVerifier, mintToken } from '../../src/auth/tokens.ts';
import { createMetrics } from '../../src/metrics.ts';
import type { EventStore } from '../../src/eventstore/eventStore.ts';
import {
  createOrderCommands,
  createPostgresGarmentCatalog,
  createPostgresReferenceAllocator,
  type OrderCommands,
} from '../../src/commands/order/index.ts';
import { toOrderEvent } from '../../src/commands/order/index.ts';
import { createPostgresEventStore } from '../../src/eventstore/postgres/index.ts';
import { loadInstallationSecret } from '../../src/db/installationSecret.ts';
import { migrate } from '../../src/db/migrate.ts';
import { orderStreamId, type OrderEvent } from '../../src/domain/order/index.ts';
import { listGarments, startReadModel, type ReadModel } from '../../src/projections/index.ts';
import { buildApp } from '../../src/http/app.ts';
import { setUpPayments, type Payments } from '../../src/payments/setup.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { startFakeStripe, type FakeStripe } from './fake-stripe.ts';

export const WEBHOOK_SECRET = 'whsec_test_harness_secret';
export const PUBLIC_BASE_URL = 'https://prints.example.com';

export interface Stack {
  readonly db: TestDatabase;
  readonly store: EventStore;
  readonly commands: OrderCommands;
  readonly payments: Payments;
  /** Undefined for simulated payments. */
  readonly fake: FakeStripe | undefined;
  readonly app: FastifyInstance;
  /** Where the app listens, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly operators: Set<string>;
  readonly readModel: ReadModel;
  token(userId: string): Promise<string>;
  /** The order's domain events as stored. */
  orderEvents(orderId: string): Promise<OrderEvent[]>;
  /** Count of every stored event (all streams): "nothing was written" checks. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real pieces on a fresh database: PostgreSQL event store, order command service, payments
 * (a fake Stripe over HTTP, or simulated), the production routes, the real app on a real port.
 */
export async function startStack(
  options: {
    readonly simulated?: boolean;
    readonly now?: () => Date;
    readonly docs?: boolean;
    readonly logger?: FastifyServerOptions['logger'];
  } = {},
): Promise<Stack> {
  const db = await createTestDatabase();
  await migrate(db.pool);
  const store = await createPostgresEventStore({ pool: db.pool });
  const garments = createPostgresGarmentCatalog(db.pool);
  const commands = createOrderCommands({
    eventStore: store,
    references: createPostgresReferenceAllocator(db.pool),
    garments,
    idSecret: await loadInstallationSecret(db.pool),
    ...(options.now ? { clock: { now: options.now } } : {}),
  });
  const fake = options.simulated ? undefined : await startFakeStripe();
  const payments = setUpPayments({
    config: {
      stripe: fake ? { secretKey: 'sk_test_harness', webhookSecret: WEBHOOK_SECRET, apiBase: fake.url } : undefined,
      publicBaseUrl: PUBLIC_BASE_URL,
    },
    eventStore: store,
    commands,
    pool: db.pool,
    ...(options.now ? { now: options.now } : {}),
  });
  const readModel = await startReadModel({ pool: db.pool, eventStore: store, projector: true });
  const secret = randomBytes(32).toString('base64url');
  const operators = new Set<string>();
  const authenticator = createAuthenticator({
    verifier: createTokenVerifier({ key: { kind: 'secret', secret }, audience: 'authenticated' }),
    operators: { isOperator: (userId) => Promise.resolve(operators.has(userId)) },
  });
  const app = await buildApp({
    pool: db.pool,
    eventStore: store,
    authenticator,
    metrics: createMetrics({ defaultMetrics: false }),
    garments: { list: () => listGarments(db.pool) },
    introspection: true,
    orders: {
      commands,
      readModel: { db: db.pool, changeFeed: readModel.changeFeed },
      checkout: payments.checkout,
      garments,
      eventStore: store,
      publicBaseUrl: PUBLIC_BASE_URL,
    },
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.docs ? { apiDocs: { publicBaseUrl: PUBLIC_BASE_URL } } : {}),
    paymentEndpoints: payments.endpoints,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  payments.listening(url);
  const stopRefunds = new AbortController();
  const refunds = payments.runRefunds(stopRefunds.signal, { error: () => undefined });
  return {
    db,
    store,
    commands,
    payments,
    fake,
    app,
    url,
    operators,
    readModel,
    token: (userId) => mintToken({ secret, userId, audience: 'authenticated' }),
    async orderEvents(orderId) {
      const { events } = await store.readStream(orderStreamId(orderId));
      return events.map(toOrderEvent).filter((e): e is OrderEvent => e !== null);
    },
    async eventCount() {
      const { rows } = await db.pool.query<{ n: string }>('select count(*)::text as n from es_events');
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      stopRefunds.abort();
      await refunds;
      await app.close();
      await readModel.close();
      await fake?.close();
      await store.close();
      await db.close();
    },
  };
}

export const newUserId = (): string => randomUUID();

/** A valid order body for the seeded catalog (`classic-tee`, $18.00: 2 × M + 3 × L = $90.00). */
export const orderBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  designUrl: 'https://cdn.example.com/designs/fox.png',
  garmentId: 'classic-tee',
  sizes: [
    { size: 'M', quantity: 2 },
    { size: 'L', quantity: 3, technique: 'screen' },
  ],
  ...overrides,
});
export const ORDER_TOTAL_CENTS = 9000;

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

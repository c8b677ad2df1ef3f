/**
 * The one harness for the server stack: the server as `npm start` composes it (openRuntime +
 * buildApp) on a real database, with payments simulated or against a fake Stripe over HTTP, an
 * operator and customers with tokens, and graphql-ws clients. Every e2e test that starts a server
 * starts it here (`openStack`, or `startStack` on a database the test made itself); the HTTP
 * clients are in `http.ts`, the browser's additions in `pages.ts`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken } from '../../src/auth/tokens.ts';
import { openRuntime, type Runtime } from '../../src/app/runtime.ts';
import { toOrderEvent, type OrderCommands } from '../../src/commands/order/index.ts';
import { loadConfig } from '../../src/config.ts';
import { orderStreamId, type OrderEvent } from '../../src/domain/order/index.ts';
import type { EventStore } from '../../src/eventstore/eventStore.ts';
import { buildApp } from '../../src/http/app.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { startFakeStripe, type FakeStripe } from './fake-stripe.ts';
import { newId } from './http.ts';

/** A configured secret needs an issuer (only the generated dev secret goes without). */
export const ISSUER = 'https://auth.test.example/v1';
/** Where the stack says it is served (checkout and image URLs), unless `env` says otherwise. */
export const PUBLIC_BASE_URL = 'https://prints.example.com';
/** The webhook secret of `payments: 'stripe'`: what `webhooks/deliver.ts` signs with. */
export const WEBHOOK_SECRET = 'whsec_test_harness_secret';

/** One server process on the stack's database. */
export interface Server {
  readonly runtime: Runtime;
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Server processes to start, separate as far as each knows, on the one database (default 1). */
  readonly servers?: number;
  /**
   * Configuration over the stack's own: limits and timeouts, rate limits, CORS_ORIGINS, PROJECTOR,
   * or a fixed `PORT` with the matching `PUBLIC_BASE_URL` for tests that follow redirects in a browser.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** `simulated` (default, no Stripe keys) or `stripe`: the Stripe gateway against a fake Stripe over HTTP. */
  readonly payments?: 'simulated' | 'stripe';
  /** The first server's fastify logger (default: none). */
  readonly logger?: FastifyServerOptions['logger'];
}

/** Server processes on a database the test provides (`startStack`). */
export interface ServerStack {
  readonly secret: string;
  /** The servers started so far; the first is the stack's. */
  readonly servers: readonly Server[];
  readonly first: Server;
  /** The first server's address, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The first server's event store and order commands: what a test reads or drives beside HTTP. */
  readonly store: EventStore;
  readonly commands: OrderCommands;
  /** The fake Stripe of `payments: 'stripe'` (what the app sent it, what it answers); else undefined. */
  readonly fake: FakeStripe | undefined;
  /** Starts one more server process on the same database (another host, as far as it knows). */
  startServer(): Promise<Server>;
  /** A token for the user, as the configured issuer signs it. */
  token(userId: string): Promise<string>;
  /** Makes the user an operator through `user_profiles`, as `operators grant` does. */
  grantOperator(userId: string): Promise<void>;
  /** A new customer: id and token. */
  customer(): Promise<{ id: string; token: string }>;
  /** A graphql-ws client of `server` authenticated with `token`, disposed with the stack. */
  ws(server: Server, token: string): Client;
  /** The order's domain events as stored. */
  orderEvents(orderId: string): Promise<OrderEvent[]>;
  /** Count of every stored event (all streams): "nothing was written" checks. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/** What most e2e files start from: a database of its own, the servers on it, an operator. */
export interface Stack extends ServerStack {
  readonly db: TestDatabase;
  readonly operatorId: string;
  /** The operator's token. */
  readonly operator: string;
}

export async function openStack(options: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase();
  try {
    const stack = await startStack(db.url, options);
    const operatorId = newId();
    await stack.grantOperator(operatorId);
    return {
      ...stack,
      db,
      operatorId,
      operator: await stack.token(operatorId),
      async close() {
        await stack.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** The servers of `options` on `databaseUrl` (migrated on start); the caller owns the database. */
export async function startStack(databaseUrl: string, options: StackOptions = {}): Promise<ServerStack> {
  const secret = randomBytes(32).toString('base64url');
  const dataDir = await mkdtemp(join(tmpdir(), 'po-stack-'));
  await chmod(dataDir, 0o755);
  const fake = options.payments === 'stripe' ? await startFakeStripe() : undefined;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: secret,
    AUTH_JWT_ISSUER: ISSUER,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PROJECTOR: 'on',
    PUBLIC_BASE_URL,
    ...(fake
      ? { STRIPE_SECRET_KEY: 'sk_test_harness', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: fake.url }
      : {}),
    ...options.env,
  });
  const silent = { info: () => undefined, error: () => undefined };
  const servers: Server[] = [];
  const clients: Client[] = [];
  const startServer = async (): Promise<Server> => {
    const runtime = await openRuntime(config, silent);
    const first = servers.length === 0;
    const app = await buildApp({ ...runtime.appDeps(), logger: (first && options.logger) || false });
    const url = await app.listen({ host: '127.0.0.1', port: first ? config.port : 0 });
    runtime.listening(url);
    const server = {
      runtime,
      app,
      url,
      close: async () => {
        await app.close();
        await runtime.close();
      },
    };
    servers.push(server);
    return server;
  };
  const close = async () => {
    for (const client of clients) await client.dispose();
    for (const server of servers.reverse()) await server.close();
    await fake?.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    while (servers.length < (options.servers ?? 1)) await startServer();
  } catch (error) {
    await close();
    throw error;
  }
  const first = servers[0]!;
  const token = (userId: string) => mintToken({ secret, userId, audience: 'authenticated', issuer: ISSUER });
  return {
    secret,
    servers,
    first,
    url: first.url,
    store: first.runtime.eventStore,
    commands: first.runtime.commands,
    fake,
    startServer,
    token,
    grantOperator: (userId) => first.runtime.auth.operators.grant(userId),
    async customer() {
      const id = newId();
      return { id, token: await token(id) };
    },
    ws(server, userToken) {
      const client = createClient({
        url: `${server.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${userToken}` },
      });
      clients.push(client);
      return client;
    },
    async orderEvents(orderId) {
      const { events } = await first.runtime.eventStore.readStream(orderStreamId(orderId));
      return events.map(toOrderEvent).filter((e): e is OrderEvent => e !== null);
    },
    async eventCount() {
      const { rows } = await first.runtime.pool.query<{ n: string }>('select count(*)::text as n from es_events');
      return Number(rows[0]?.n ?? 0);
    },
    close,
  };
}

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

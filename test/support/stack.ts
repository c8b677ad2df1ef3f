import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken } from '../../src/auth/tokens.ts';
import { openRuntime, type Runtime } from '../../src/app/runtime.ts';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

/** One server process as `npm start` composes it (openRuntime + buildApp), on a given database. */
export interface Server {
  readonly runtime: Runtime;
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

export interface Stack {
  readonly secret: string;
  /** The server process started with the stack. */
  readonly first: Server;
  /** Starts one more server process on the same database (another host, as far as it knows). */
  startServer(): Promise<Server>;
  token(userId: string): Promise<string>;
  /** Makes the user an operator through `user_profiles`, as `operators grant` does. */
  grantOperator(userId: string): Promise<void>;
  close(): Promise<void>;
}

const silent = { info: () => undefined, error: () => undefined };
/** A configured secret needs an issuer (only the generated dev secret goes without). */
export const ISSUER = 'https://auth.test.example/v1';

/**
 * The real composition on a test database: event store, read model and projector, payments (simulated), the app.
 * `env` adds configuration over the stack's own: limits and timeouts, rate limits, CORS_ORIGINS, or a fixed
 * `PORT` with the matching `PUBLIC_BASE_URL` for tests that follow checkout redirects in a browser.
 */
export async function createStack(databaseUrl: string, env: Readonly<Record<string, string>> = {}): Promise<Stack> {
  const secret = randomBytes(32).toString('base64url');
  const dataDir = await mkdtemp(join(tmpdir(), 'po-stack-'));
  await chmod(dataDir, 0o755);
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: secret,
    AUTH_JWT_ISSUER: ISSUER,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PROJECTOR: 'on',
    ...env,
  });
  const servers: Server[] = [];
  const startServer = async (): Promise<Server> => {
    const runtime = await openRuntime(config, silent);
    const app = await buildApp({ ...runtime.appDeps(), logger: false });
    const url = await app.listen({ host: '127.0.0.1', port: servers.length === 0 ? config.port : 0 });
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
  const first = await startServer();
  return {
    secret,
    first,
    startServer,
    token: (userId) => mintToken({ secret, userId, audience: 'authenticated', issuer: ISSUER }),
    grantOperator: (userId) => first.runtime.auth.operators.grant(userId),
    async close() {
      for (const server of servers.reverse()) await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const newId = (): string => randomUUID();

/** Where most GraphQL e2e files start: a database of their own, server processes on it, an operator. */
export interface StackFixture {
  readonly db: TestDatabase;
  readonly stack: Stack;
  /** Separate server processes as far as each knows, on the one database; the first is the stack's. */
  readonly servers: readonly Server[];
  readonly operatorId: string;
  /** The operator's token. */
  readonly operator: string;
  /** A graphql-ws client of `server` authenticated with `token`, disposed with the fixture. */
  ws(server: Server, token: string): Client;
  close(): Promise<void>;
}

/** `env`: more configuration for every server of the stack (over the stack's own). */
export async function openStackFixture(servers = 1, env: Readonly<Record<string, string>> = {}): Promise<StackFixture> {
  const db = await createTestDatabase();
  const stack = await createStack(db.url, env);
  const all = [stack.first];
  while (all.length < servers) all.push(await stack.startServer());
  const operatorId = newId();
  await stack.grantOperator(operatorId);
  const operator = await stack.token(operatorId);
  const clients: Client[] = [];
  return {
    db,
    stack,
    servers: all,
    operatorId,
    operator,
    ws(server, token) {
      const client = createClient({
        url: `${server.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${token}` },
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) await client.dispose();
      await stack.close();
      await db.close();
    },
  };
}

import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openRuntime, type Runtime } from '../../src/app/runtime.ts';
import { mintToken } from '../../src/auth/tokens.ts';
import { loadConfig } from '../../src/config.ts';
import { ensureEmbeddedPostgres } from '../../src/db/embedded.ts';
import { buildApp } from '../../src/http/app.ts';
import { progress } from '../support/output.ts';
import { postmasterPidOf } from './cpu.ts';

/** The server as `npm start` composes it (openRuntime + buildApp), on its own throwaway cluster. */
export interface BenchServer {
  readonly runtime: Runtime;
  readonly app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The application database, for the raw-pg peer. */
  readonly databaseUrl: string;
  /** The embedded cluster's postmaster, for its CPU time; undefined if unknown. */
  readonly postmasterPid: number | undefined;
  readonly operatorId: string;
  readonly operatorToken: string;
  token(userId: string): Promise<string>;
  /** Waits until the read model holds every event appended so far. */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

const silent = {
  info: () => undefined,
  error: (details: object, message: string) => progress(`server error: ${message} ${JSON.stringify(details)}`),
};

/**
 * Durable embedded PostgreSQL (default fsync and synchronous_commit) in a temp dir, deleted on
 * close; the runtime with its projector; the app listening on 127.0.0.1 only.
 */
export async function startBenchServer(
  options: { readonly postgresSettings?: Readonly<Record<string, string>> } = {},
): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'po-bench-graphql-'));
  await chmod(dataDir, 0o755);
  const cluster = await ensureEmbeddedPostgres({
    dataDir,
    database: 'bench_graphql',
    throwaway: true,
    ...(options.postgresSettings ? { settings: options.postgresSettings } : {}),
  });
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close();
    await runtime?.close();
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const secret = randomBytes(32).toString('base64url');
    const config = loadConfig({
      DATABASE_URL: cluster.url,
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: secret,
      AUTH_JWT_ISSUER: 'https://auth.bench.example/v1',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      PROJECTOR: 'on',
      GRAPHQL_INTROSPECTION: 'off',
      // The subscription phase's one operator follows ~200 orders, a WebSocket each; the default
      // cap (20 per user) is for people, and would refuse most of them.
      WS_MAX_SOCKETS_PER_USER: '1000',
    });
    runtime = await openRuntime(config, silent);
    app = await buildApp({ ...runtime.appDeps(), logger: false });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    runtime.listening(url);
    const operatorId = randomUUID();
    await runtime.auth.operators.grant(operatorId);
    const token = (userId: string) =>
      mintToken({ secret, userId, audience: config.auth.audience, issuer: config.auth.issuer });
    const { eventStore, readModel } = runtime;
    return {
      runtime,
      app,
      url,
      databaseUrl: cluster.url,
      postmasterPid: await postmasterPidOf(join(dataDir, 'postgres')),
      operatorId,
      operatorToken: await token(operatorId),
      token,
      async caughtUp() {
        const head = await eventStore.headPosition();
        if (head && !(await readModel.changeFeed.waitForPosition(head, { timeoutMs: 60_000 })))
          throw new Error('the projector did not catch up within 60 s');
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * What idle graphql-ws sockets cost the server, and whether they stay: the app (buildApp, stand-ins
 * for everything but HTTP and GraphQL) runs in a child process; this one opens `SOCKETS`
 * signed-out sockets that each send `connection_init` and then nothing, and reads the child's
 * memory (after a full GC) before, once they are open, and after the idle timeout has passed.
 * Loopback only. Not part of `npm run bench` (it waits out the idle timeout):
 *
 *   node --import tsx bench/idleSockets.ts            # 2000 sockets, WS_IDLE_TIMEOUT_MS from the env (default 30 s)
 *   SOCKETS=500 WS_IDLE_TIMEOUT_MS=5000 node --import tsx bench/idleSockets.ts
 *
 * Prints one JSON line per measurement.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

interface Memory {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly openSockets: number;
}

async function serve(): Promise<void> {
  const [{ buildApp }, { createAuthenticator }, { createTokenVerifier }, { createMetrics }, { loadConfig }] =
    await Promise.all([
      import('../src/http/app.ts'),
      import('../src/auth/authenticate.ts'),
      import('../src/auth/tokens.ts'),
      import('../src/metrics.ts'),
      import('../src/config.ts'),
    ]);
  const config = loadConfig();
  const app = await buildApp({
    pool: { query: (() => Promise.resolve({ rows: [] })) as never },
    eventStore: { headPosition: () => Promise.resolve(undefined) },
    authenticator: createAuthenticator({
      verifier: createTokenVerifier({
        key: { kind: 'secret', secret: randomBytes(32).toString('base64url') },
        audience: 'authenticated',
      }),
      operators: { isOperator: () => Promise.resolve(false) },
    }),
    metrics: createMetrics({ defaultMetrics: false }),
    garments: { list: () => Promise.resolve([]) },
    introspection: false,
    // Ignored by a build without limits (the "before" measurement).
    ...(config.http ? { limits: { http: config.http, subscriptions: config.subscriptions } } : {}),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${url}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'memory') continue;
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 3; i += 1) gc?.();
    const usage = process.memoryUsage();
    const sockets = await new Promise<number>((resolve) =>
      app.server.getConnections((_error, count) => resolve(count)),
    );
    const memory: Memory = { rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), openSockets: sockets };
    process.stdout.write(`${JSON.stringify(memory)}\n`);
  }
  await app.close();
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function measure(): Promise<void> {
  const count = Number(process.env.SOCKETS ?? 2000);
  const idleMs = Number(process.env.WS_IDLE_TIMEOUT_MS ?? 30_000);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), 'serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: process.env,
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error('the server ended');
    return line.value;
  };
  const url = await next();
  const memory = async (): Promise<Memory> => {
    child.stdin.write('memory\n');
    return JSON.parse(await next()) as Memory;
  };
  const report = (at: string, value: Memory, extra: object = {}) =>
    process.stdout.write(`${JSON.stringify({ bench: 'idle-sockets', at, sockets: count, ...value, ...extra })}\n`);

  report('before', await memory());
  const sockets: WebSocket[] = [];
  const closed: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    ws.on('error', () => undefined);
    ws.on('close', (code) => closed.push(code));
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      ws.once('close', () => reject(new Error(`socket ${i} closed before its ack`)));
    });
    sockets.push(ws);
  }
  const open = await memory();
  report('open', open);
  await new Promise((resolve) => setTimeout(resolve, idleMs + 2000));
  report('after-idle-timeout', await memory(), {
    closedByServer: closed.length,
    stillOpen: sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length,
  });
  for (const ws of sockets) ws.terminate();
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
}

if (process.argv[2] === 'serve') await serve();
else await measure();

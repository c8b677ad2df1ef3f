import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The README's quick start, as written between its markers. */
function quickStart(): string {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const block = /<!-- quickstart:start -->\n```sh\n([\s\S]*?)```\n<!-- quickstart:end -->/.exec(readme);
  if (!block?.[1]) throw new Error('README.md has no quick start block between its markers');
  return block[1];
}

/** Runs `command` with bash, bounded in time; resolves with its exit code and everything it printed. */
function run(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; input?: string; timeoutMs: number },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(options.input ?? '');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The quick start followed literally: a real `npm start`-like server on embedded PostgreSQL in a
 * fresh data dir, and the README's block run by bash as written, the one address changed to the
 * port this server got.
 */
describe("the README's quick start", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'po-readme-'));
    await chmod(dataDir, 0o755);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('works as written: tokens, catalog, order, payment, live updates, an operator moving it', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(await freePort()) };
    for (const name of [
      'DATABASE_URL',
      'AUTH_JWT_SECRET',
      'AUTH_JWT_ISSUER',
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'EVENT_STORE',
      'PUBLIC_BASE_URL',
      'HOST',
    ])
      delete env[name];
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let banner = '';
    server.stdout.on('data', (chunk: Buffer) => (banner += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (banner += chunk.toString()));
    try {
      const deadline = Date.now() + 120_000;
      let base: string | undefined;
      while (!(base = /is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1])) {
        if (Date.now() > deadline || server.exitCode !== null) throw new Error(`the server did not start:\n${banner}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const script = quickStart().replaceAll('http://127.0.0.1:4000', base);
      const { code, output } = await run('bash', [], { env, input: script, timeoutMs: 240_000 });
      expect(code, output).toBe(0);
      expect(output).toContain('classic-tee');
      expect(output).toMatch(/"orderId":"[0-9a-f-]{36}"/);
      expect(output).toMatch(/paid: 303 → .*\/order-success\?order=/);
      expect(output).toContain('approved: 200');
      expect(output).toContain('held: 200');
      // The live subscription saw the changes as they landed.
      expect(output).toMatch(/"statusLabel":"Printing"/);
      // The order as the customer sees it at the end.
      expect(output).toMatch(/"orderStatus":"approved"/);
      expect(output).toMatch(/"priority":"Hold"/);
      expect(output).toContain('"notes":"check the art"');
    } finally {
      if (server.exitCode === null) {
        process.kill(-server.pid!, 'SIGINT');
        await new Promise((resolve) => {
          server.once('exit', resolve);
          setTimeout(resolve, 20_000);
        });
      }
    }
  }, 400_000);
});

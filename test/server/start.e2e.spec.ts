import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, waitFor } from '../support/http.ts';

/** `npm start` as a user runs it: a child process on a fresh data dir, no variables but DATA_DIR and PORT. */
interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly operator: { id: string; token: string };
  readonly customer: { id: string; token: string };
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** What it printed on start. */
  readonly banner: string;
}

const ROOT = new URL('../../', import.meta.url).pathname;

function spawnTs(script: string, args: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function startServer(dataDir: string): Promise<Started> {
  const child = spawnTs('src/server.ts', [], { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 90 s:\n${stdout}\n${stderr}`)), 90_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${stdout}\n${stderr}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      const operator = /operator (\S+)\n\s+\{"Authorization": "Bearer (\S+)"\}/.exec(stdout);
      const customer = /customer (\S+)\n\s+\{"Authorization": "Bearer (\S+)"\}/.exec(stdout);
      if (url && operator?.[2] && customer?.[2]) {
        clearTimeout(timer);
        resolve({
          child,
          url,
          operator: { id: operator[1]!, token: operator[2] },
          customer: { id: customer[1]!, token: customer[2] },
          stdout: () => stdout,
          stderr: () => stderr,
          banner: stdout,
        });
      }
    });
  });
}

async function runCli(dataDir: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawnTs('src/cli/main.ts', args, { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { code: await exitOf(child), out: out.trim(), err };
}

const createOrder = (url: string, token: string, key: string) =>
  fetch(`${url}/api/production`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify({
      designUrl: 'https://img.example/design.png',
      garmentId: 'classic-tee',
      sizes: [{ size: 'M', quantity: 2 }],
    }),
  });

describe('npm start', () => {
  let dataDir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'po-start-'));
    // The embedded cluster may run as the `postgres` user (when tests run as root).
    await chmod(dataDir, 0o755);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a bad configuration, listing every problem', async () => {
    const child = spawnTs('src/server.ts', [], { DATA_DIR: dataDir, PORT: 'eighty', EVENT_STORE: 'mongo' });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect(await exitOf(child)).toBe(1);
    expect(err).toContain('2 problem(s)');
    expect(err).toMatch(/PORT: [\s\S]*EVENT_STORE: /);
  });

  it('refuses to listen beyond loopback without Stripe keys unless PAYMENTS=simulated says so', async () => {
    const child = spawnTs('src/server.ts', [], {
      DATA_DIR: dataDir,
      HOST: '0.0.0.0',
      PORT: '0',
      STRIPE_WEBHOOK_SECRET: 'whsec_alone',
    });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    expect(await exitOf(child)).toBe(1);
    expect(err).toContain('2 problem(s)');
    expect(err).toMatch(/STRIPE_WEBHOOK_SECRET: is set without STRIPE_SECRET_KEY/);
    expect(err).toMatch(/PAYMENTS: HOST 0\.0\.0\.0 is not a loopback address and STRIPE_SECRET_KEY is unset/);
  });

  it('starts on embedded PostgreSQL, prints working tokens, shares its database with the CLI, stops cleanly on SIGTERM and keeps data across a restart', async () => {
    const first = await startServer(dataDir);
    children.push(first.child);
    expect(first.banner).toMatch(/\n {2}Payments {2}simulated: /);
    expect(first.banner).toContain(`${first.url}/docs`);
    expect(await (await fetch(`${first.url}/readyz`)).json()).toMatchObject({ payments: 'simulated' });
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const asOperator = await graphql(first.url, '{ viewer { id isOperator } }', { token: first.operator.token });
    expect(asOperator.body.data.viewer).toEqual({ id: first.operator.id, isOperator: true });
    const asCustomer = await graphql(first.url, '{ viewer { id isOperator } }', { token: first.customer.token });
    expect(asCustomer.body.data.viewer).toEqual({ id: first.customer.id, isOperator: false });
    // Sign-in links for the pages, with the same tokens in the fragment.
    await waitFor(() => expect(first.stdout()).toMatch(/operator {2}\S+\n/));
    expect(first.stdout()).toContain(`  customer  ${first.url}/signin#token=${first.customer.token}&next=/orders\n`);
    expect(first.stdout()).toContain(
      `  operator  ${first.url}/signin#token=${first.operator.token}&next=/ops/orders\n`,
    );
    // GraphiQL's first tab: a query that runs, as the dev customer (never the operator), whose
    // token is in its Headers tab.
    const graphiql = await (await fetch(`${first.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const options = JSON.parse(
      /<script type="application\/json" id="graphiql-options">(.*?)<\/script>/s.exec(graphiql)![1]!,
    ) as { defaultQuery: string; headers: string };
    const offered = (JSON.parse(options.headers) as { Authorization: string }).Authorization.replace('Bearer ', '');
    const tab = await graphql(first.url, options.defaultQuery, { token: offered });
    expect(tab.body.errors).toBeUndefined();
    expect(tab.body.data.viewer).toEqual({ id: first.customer.id, isOperator: false });

    const key = randomUUID();
    const created = await createOrder(first.url, first.customer.token, key);
    expect(created.status).toBe(201);
    const order = (await created.json()) as { orderId: string; reference: string };

    // The CLI beside the running server: same embedded database (reused, not started twice), same secret.
    const newOperator = randomUUID();
    const minted = await runCli(dataDir, 'token', newOperator, '--operator');
    expect(minted.code).toBe(0);
    const viaCli = await graphql(first.url, '{ viewer { isOperator } }', { token: minted.out });
    expect(viaCli.body.data.viewer).toEqual({ isOperator: true });

    first.child.kill('SIGTERM');
    expect(await exitOf(first.child)).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    // With no server running, the CLI starts the embedded database itself and stops it after.
    const revoked = await runCli(dataDir, 'operators', 'revoke', newOperator);
    expect(revoked.code).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = await startServer(dataDir);
    children.push(second.child);
    expect(second.customer.id).toBe(first.customer.id);
    const repeated = await createOrder(second.url, second.customer.token, key);
    expect(repeated.status).toBe(201);
    expect(await repeated.json()).toMatchObject(order);
    const afterRevoke = await graphql(second.url, '{ viewer { isOperator } }', { token: minted.out });
    expect(afterRevoke.body.data.viewer).toEqual({ isOperator: false });

    second.child.kill('SIGINT');
    expect(await exitOf(second.child)).toBe(0);
    expect(second.stderr()).not.toMatch(/error/i);
  }, 300_000);
});

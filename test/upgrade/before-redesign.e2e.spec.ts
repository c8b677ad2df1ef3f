import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, type ServerStack, startStack } from '../support/stack.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import manifestJson from './fixtures/before-redesign.json' with { type: 'json' };
import { ORDER_QUERY, PUBLIC_BASE_URL, type FixtureManifest, type FixtureOrder } from './order-query.ts';

/**
 * An installation upgraded in place: the database the code before the issue-17 redesign made
 * (commit 5180101, `fixtures/make-fixture.ts`), restored and opened by the code of today. Every
 * check goes through the public API (GraphQL, REST, the CLI) and compares with what the old
 * code answered, so it holds whatever the code inside is rearranged into.
 */
const manifest = manifestJson as FixtureManifest;

/** A GraphQL answer, its data read as the test's queries shape it. */
interface GraphQLAnswer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each query's own shape, checked by the assertions
  data?: Record<string, any>;
  errors?: unknown[];
}

/**
 * A plain pg_dump, run as one simple-protocol query (one round trip, statement after statement).
 * Its psql meta-commands (`\restrict`, `\unrestrict`: a guard for psql sessions) are not SQL.
 */
async function restore(pool: pg.Pool): Promise<void> {
  const dump = await readFile(new URL('./fixtures/before-redesign.sql', import.meta.url), 'utf8');
  const sql = dump
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');
  const client = await pool.connect();
  try {
    await client.query(sql);
  } finally {
    // The dump emptied this session's search_path: the connection goes, not back to the pool.
    client.release(true);
  }
}

/**
 * A logical restore does not carry the cluster's transaction counter, and the event store refuses
 * to open while its newest event's transaction id is not behind the next one (its README, "Logical
 * restore"). As it says to, the counter is moved past the fixture's: one short transaction each.
 */
async function advanceTransactionsPast(pool: pg.Pool, xid: bigint): Promise<void> {
  const next = BigInt(
    (await pool.query<{ xid: string }>('select pg_snapshot_xmax(pg_current_snapshot())::text as xid')).rows[0]!.xid,
  );
  if (next > xid) return;
  await pool.query('begin; select pg_current_xact_id(); commit;'.repeat(Number(xid - next) + 1));
}

/** `npm run cli -- <args>` against the test database, at most two minutes. */
function cli(
  env: Readonly<Record<string, string>>,
  ...args: string[]
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', 'cli', '--', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

describe('a database made before the redesign (commit 5180101), opened by this code', () => {
  let db: TestDatabase;
  let stack: ServerStack;
  let dataDir: string;
  let operator: string;
  const owners = new Map<string, string>();

  const post = async (server: Server, token: string | undefined, body: unknown): Promise<GraphQLAnswer> => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return (await response.json()) as GraphQLAnswer;
  };
  const order = async (server: Server, id: string, token: string) => {
    const answer = await post(server, token, { query: ORDER_QUERY, variables: { id } });
    expect(answer.errors).toBeUndefined();
    return answer.data!.order as Record<string, unknown>;
  };
  const rest = async (
    server: Server,
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown> & {
        orders: { id: string }[];
        orderId?: string;
        reference?: string;
        order?: unknown;
      },
    };
  };
  const ownerToken = (fixture: FixtureOrder): string => owners.get(fixture.ownerId)!;
  const story = (text: string): FixtureOrder => {
    const found = manifest.orders.find((fixture) => fixture.story.startsWith(text));
    if (!found) throw new Error(`The fixture has no order "${text}"`);
    return found;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await restore(db.pool);
    await advanceTransactionsPast(db.pool, BigInt(manifest.nextXid));
    dataDir = await mkdtemp(join(tmpdir(), 'po-upgrade-'));
    await chmod(dataDir, 0o755);
    stack = await startStack(db.url, { env: { PUBLIC_BASE_URL } });
    operator = await stack.token(manifest.operatorId);
    for (const id of manifest.customerIds) owners.set(id, await stack.token(id));
  });
  afterAll(async () => {
    await stack?.close();
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Every order as the old code answered it, through GraphQL (owner and operator) and REST. */
  const expectEveryOrderAsBefore = async (server: Server) => {
    for (const fixture of manifest.orders) {
      expect(await order(server, fixture.id, ownerToken(fixture)), fixture.story).toEqual(fixture.asOwner);
      expect(await order(server, fixture.id, operator), fixture.story).toEqual(fixture.asOperator);
      const { status, body } = await rest(server, 'GET', `/api/production/${fixture.id}`, ownerToken(fixture));
      expect(status, fixture.story).toBe(200);
      expect(body.order, fixture.story).toMatchObject(fixture.rest);
    }
  };
  /** The lists: the operator's every order, newest first, and each customer's own. */
  const expectListsAsBefore = async (server: Server) => {
    const all = await rest(server, 'GET', '/api/production?first=100', operator);
    expect(all.body.orders.map((listed) => listed.id)).toEqual(manifest.operatorList);
    for (const [customerId, token] of owners) {
      const own = await rest(server, 'GET', '/api/production?first=100', token);
      const expected = manifest.operatorList.filter(
        (id) => manifest.orders.find((fixture) => fixture.id === id)!.ownerId === customerId,
      );
      expect(own.body.orders.map((listed) => listed.id)).toEqual(expected);
    }
  };

  it('keeps every order with its status, history and fields, as its owner and an operator saw them', async () => {
    expect(manifest.orders).toHaveLength(11);
    await expectEveryOrderAsBefore(stack.first);
  });

  it('lists every order to its operator, newest first, and each customer their own', async () => {
    await expectListsAsBefore(stack.first);
  });

  it('holds read tables equal to a fresh rebuild from the events', async () => {
    // A rebuild is strict: an old event the new code cannot apply stops it with a non-zero exit.
    const rebuilt = await cli(
      { DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      'projections',
      'rebuild',
    );
    expect(rebuilt.code, rebuilt.err).toBe(0);
    expect(rebuilt.out).toMatch(/rebuilt/i);
    // A process started after the switch reads only the rebuilt tables (no cache from before).
    const fresh = await stack.startServer();
    await expectEveryOrderAsBefore(fresh);
    await expectListsAsBefore(fresh);
  }, 180_000);

  it('takes new commands on the old orders', async () => {
    const queued = story('paid and queued');
    const approve = await post(stack.first, operator, {
      query:
        'mutation ($id: ID!, $v: Int) { setOrderStatus(id: $id, status: APPROVED, expectedVersion: $v) { orderStatus statusLabel version events { statusLabel } } }',
      variables: { id: queued.id, v: queued.asOperator.version },
    });
    expect(approve.errors).toBeUndefined();
    expect(approve.data!.setOrderStatus).toMatchObject({
      orderStatus: 'APPROVED',
      statusLabel: 'Printing',
      version: (queued.asOperator.version as number) + 1,
    });
    expect(approve.data!.setOrderStatus.events).toHaveLength((queued.asOperator.events as unknown[]).length + 1);

    const held = story('on hold');
    const release = await rest(
      stack.first,
      'PATCH',
      `/api/production/${held.id}`,
      operator,
      { priority: 'rush' },
      { 'if-match': String(held.asOperator.version) },
    );
    expect(release.status).toBe(200);
    expect(await order(stack.first, held.id, operator)).toMatchObject({
      priority: 'RUSH',
      holdReason: null,
      version: (held.asOperator.version as number) + 1,
    });

    const ready = story('ready, with notes');
    const note = await post(stack.first, operator, {
      query:
        'mutation ($id: ID!) { postOrderMessage(id: $id, message: "Customer called: all good") { events { message } } }',
      variables: { id: ready.id },
    });
    expect(note.errors).toBeUndefined();
    expect(note.data!.postOrderMessage.events.at(-1)).toEqual({ message: 'Customer called: all good' });
  });

  it('answers a retried creation with the order it made before, and numbers new orders after the old ones', async () => {
    const keyed = manifest.orders.find((fixture) => fixture.idempotencyKey)!;
    const body = {
      designUrl: 'https://images.example.com/designs/fox.png',
      garmentId: 'classic-tee',
      sizes: [{ size: 'M', quantity: 2 }],
      notes: 'Center the print',
    };
    const again = await rest(stack.first, 'POST', '/api/production', ownerToken(keyed), body, {
      'idempotency-key': keyed.idempotencyKey!,
    });
    expect(again.status).toBe(201);
    expect(again.body.orderId).toBe(keyed.id);

    const placed = await rest(stack.first, 'POST', '/api/production', ownerToken(keyed), {
      ...body,
      notes: 'After the upgrade',
    });
    expect(placed.status).toBe(201);
    const number = (reference: string): number => Number(/\d+$/.exec(reference)![0]);
    const newest = Math.max(...manifest.orders.map((fixture) => number(fixture.asOperator.reference as string)));
    expect(number(placed.body.reference as string)).toBe(newest + 1);
  });

  it('keeps the public tracking link working without a sign-in', async () => {
    const tracked = story('finishing');
    const token = new URL(tracked.asOwner.publicTrackingUrl as string).pathname.split('/').at(-1)!;
    const answer = await post(stack.first, undefined, {
      query: 'query ($token: String!) { trackOrder(token: $token) { reference statusLabel } }',
      variables: { token },
    });
    expect(answer.data!.trackOrder).toEqual({ reference: tracked.asOwner.reference, statusLabel: 'Finishing' });
  });
});

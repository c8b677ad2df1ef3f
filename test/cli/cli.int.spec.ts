import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTokenKey } from '../../src/auth/secret.ts';
import { createTokenVerifier } from '../../src/auth/tokens.ts';
import {
  createOrderCommands,
  createPostgresGarmentCatalog,
  createPostgresReferenceAllocator,
} from '../../src/commands/order/index.ts';
import { createPostgresEventStore } from '../../src/eventstore/postgres/index.ts';
import { runCli } from '../../src/cli/run.ts';
import { untilReadable } from '../eventstore/support.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

describe('the CLI', () => {
  let db: TestDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'po-cli-'));
    await chmod(dataDir, 0o755);
    env = { DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, env, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const isOperator = async (userId: string) =>
    (
      await db.pool.query<{ is_operator: boolean }>('select is_operator from user_profiles where user_id = $1', [
        userId,
      ])
    ).rows[0]?.is_operator ?? false;

  it('mints a 12-hour token the server accepts, signed with the dev secret, with nothing else on stdout', async () => {
    const userId = randomUUID();
    const { code, out } = await cli('token', userId);
    expect(code).toBe(0);
    const claims = decodeJwt(out);
    expect(claims).toMatchObject({ sub: userId, aud: 'authenticated' });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(12 * 3600);
    const { key } = await resolveTokenKey({
      auth: { jwtSecret: undefined, jwksUrl: undefined, audience: 'authenticated', issuer: undefined },
      dataDir,
    });
    expect((await createTokenVerifier({ key, audience: 'authenticated' }).verify(out)).userId).toBe(userId);
  });

  it('grants the operator right with token --operator', async () => {
    const userId = randomUUID();
    const { code, err } = await cli('token', userId, '--operator');
    expect(code).toBe(0);
    expect(err).toContain('is now an operator');
    expect(await isOperator(userId)).toBe(true);
  });

  it('grants and revokes operators', async () => {
    const userId = randomUUID();
    expect((await cli('operators', 'grant', userId)).code).toBe(0);
    expect(await isOperator(userId)).toBe(true);
    const revoked = await cli('operators', 'revoke', userId.toUpperCase());
    expect(revoked).toMatchObject({ code: 0, out: `${userId} is no longer an operator` });
    expect(await isOperator(userId)).toBe(false);
  });

  it('lists the operators, one user id a line, and only them', async () => {
    const [first, second, customer] = [randomUUID(), randomUUID(), randomUUID()];
    await cli('operators', 'grant', first);
    await cli('operators', 'grant', second);
    await cli('operators', 'grant', customer);
    await cli('operators', 'revoke', customer);
    const listed = await cli('operators', 'list');
    expect(listed.code).toBe(0);
    const ids = listed.out.split('\n');
    expect(ids).toEqual(expect.arrayContaining([first, second]));
    expect(ids).not.toContain(customer);
    expect(listed.err).toMatch(/^\d+ operator\(s\)$/);
  });

  it.each([
    [['operators', 'promote', randomUUID()], 'usage: operators grant'],
    [['operators', 'grant', 'alice'], 'must be a uuid'],
    [['token'], 'missing <userId>'],
    [['token', randomUUID(), '--admin'], 'unexpected --admin'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['projections', 'replay'], 'usage: projections status'],
  ])('refuses %j with exit code 2 and says why', async (argv, message) => {
    const { code, err } = await cli(...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('lists every configuration problem and fails', async () => {
    const out: string[] = [];
    const code = await runCli(
      ['token', randomUUID()],
      { PORT: 'http', EVENT_STORE: 'mongo' },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/PORT[\s\S]*EVENT_STORE/);
  });

  it('will not mint tokens when a JWKS is configured', async () => {
    const out: string[] = [];
    const code = await runCli(
      ['token', randomUUID()],
      { ...env, AUTH_JWKS_URL: 'https://auth.example/jwks.json', AUTH_JWT_ISSUER: 'https://auth.example/v1' },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    expect(code).toBe(1);
    expect(out.join('\n')).toContain('AUTH_JWKS_URL is set');
  });

  it('imports garments: new ones inserted, known ones updated, in dollars or cents', async () => {
    const file = join(dataDir, 'garments.json');
    await writeFile(
      file,
      JSON.stringify([
        {
          id: 'classic-tee',
          title: 'Classic Tee v2',
          price: 19.5,
          sizes: ['S', 'M'],
          imageUrl: '/garments/classic-tee.svg',
        },
        {
          id: 'trucker-cap',
          title: 'Trucker Cap',
          priceCents: 2200,
          sizes: ['One Size'],
          imageUrl: 'https://img.example/cap.png',
        },
      ]),
    );
    const { code, out } = await cli('garments', 'import', file);
    expect(code).toBe(0);
    expect(out).toBe('imported 2 garment(s): 1 new, 1 updated');
    const { rows } = await db.pool.query(
      "select id, title, price_cents, sizes, image_url from garments where id in ('classic-tee', 'trucker-cap') order by id",
    );
    expect(rows).toEqual([
      // One of our own pictures (src/http/garments/) by its path, or an outside URL.
      {
        id: 'classic-tee',
        title: 'Classic Tee v2',
        price_cents: 1950,
        sizes: ['S', 'M'],
        image_url: '/garments/classic-tee.svg',
      },
      {
        id: 'trucker-cap',
        title: 'Trucker Cap',
        price_cents: 2200,
        sizes: ['One Size'],
        image_url: 'https://img.example/cap.png',
      },
    ]);
  });

  it('refuses a garment file with every problem listed and imports nothing', async () => {
    const file = join(dataDir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify([
        { id: 'fine-hoodie', title: 'Fine Hoodie', price: 40, sizes: ['M'] },
        { id: 'Bad Id', title: '', price: -1, sizes: [] },
        { id: 'both-prices', title: 'Both', price: 10, priceCents: 1000, sizes: ['M', 'M'] },
      ]),
    );
    const { code, err } = await cli('garments', 'import', file);
    expect(code).toBe(1);
    for (const path of ['[1].id', '[1].title', '[1].price', '[1].sizes', '[2].price', '[2].sizes'])
      expect(err).toContain(path);
    expect((await db.pool.query("select 1 from garments where id = 'fine-hoodie'")).rowCount).toBe(0);
  });

  it('shows projection status and rebuilds the read model from the events', async () => {
    const store = await createPostgresEventStore({ pool: db.pool });
    const commands = createOrderCommands({
      eventStore: store,
      references: createPostgresReferenceAllocator(db.pool),
      garments: createPostgresGarmentCatalog(db.pool),
      idSecret: randomBytes(32),
    });
    const customer = { type: 'customer' as const, id: randomUUID() };
    const created = await commands.createOrder(
      { garmentId: 'classic-tee', designUrl: 'https://img.example/d.png', sizes: [{ size: 'M', quantity: 3 }] },
      { actor: customer },
    );
    // Status counts only what readers can see: wait out any transaction another test file holds open.
    await untilReadable(store, created.position);
    await store.close();

    const before = await cli('projections', 'status');
    expect(before.code).toBe(0);
    expect(before.out).toMatch(/lag +1 events/);
    // The refund reactor, after the projection: never run here, so behind by that event too.
    expect(before.out).toMatch(
      /reactor:refunds \(reactor[^\n]*\n +position +\(none\)[^\n]*\n +lag +1 events[^\n]*\n +runner +not running/,
    );
    const rebuilt = await cli('projections', 'rebuild');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.out).toMatch(/^rebuilt and switched: 1 events, 1 orders/);
    const after = await cli('projections', 'status', '--json');
    const statuses = JSON.parse(after.out) as { name: string }[];
    expect(statuses.map((status) => status.name)).toEqual(['orders', 'metrics', 'reactor:refunds']);
    expect(statuses[0]).toMatchObject({ name: 'orders', kind: 'projection', lagEvents: 0 });
    expect(statuses[1]).toMatchObject({ name: 'metrics', kind: 'projection', lagEvents: 0 });
    expect(statuses[2]).toMatchObject({
      name: 'reactor:refunds',
      kind: 'reactor',
      lagEvents: 1,
      projectorRunning: false,
    });
    expect((await db.pool.query('select user_id from production_orders')).rows).toEqual([{ user_id: customer.id }]);
  });
});

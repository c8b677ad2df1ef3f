import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInstallationSecret } from '../../../../../src/db/installationSecret.ts';
import { migrate } from '../../../../../src/db/migrate.ts';
import { request } from '../../../../support/http.ts';
import { openStack, orderBody, type Server, type Stack } from '../../../../support/stack.ts';
import { createTestDatabase, type TestDatabase } from '../../../../support/db.ts';

/** The order id a key gave before installations had a secret: v5 of a namespace fixed in the source. */
function formerOrderId(userId: string, key: string): string {
  const namespace = Buffer.from('5b0c2a7e8d9f4e1ab3c6d2f0a9e8b7c4', 'hex');
  const bytes = createHash('sha1')
    .update(namespace)
    .update(['order', userId, key].join('\u0000'))
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe('order ids made from idempotency keys', () => {
  let here: Stack;
  let elsewhere: Stack;
  beforeAll(async () => {
    // Two server processes on one database (one installation), and a second installation.
    here = await openStack({ servers: 2 });
    elsewhere = await openStack();
  });
  afterAll(async () => {
    await here?.close();
    await elsewhere?.close();
  });

  const create = async (fixture: Stack, server: Server, userId: string, key: string) => {
    const answer = await request(server.url, 'POST', '/api/production', {
      token: await fixture.token(userId),
      body: orderBody(),
      headers: { 'idempotency-key': key },
    });
    expect(answer.status).toBe(201);
    return answer;
  };

  it('are the same in every process of an installation: a retry reaching another process finds the first order', async () => {
    const userId = randomUUID();
    const [first, second] = here.servers;
    const made = await create(here, first!, userId, 'retry-elsewhere');
    const retried = await create(here, second!, userId, 'retry-elsewhere');
    expect(retried.body).toEqual(made.body);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
  });

  it('differ between installations, and are not the id the fixed namespace used to give', async () => {
    const userId = randomUUID();
    const ours = await create(here, here.servers[0]!, userId, 'same-key');
    const theirs = await create(elsewhere, elsewhere.servers[0]!, userId, 'same-key');
    expect(ours.body.orderId).not.toBe(theirs.body.orderId);
    expect(ours.body.orderId).not.toBe(formerOrderId(userId, 'same-key'));
    expect(theirs.body.orderId).not.toBe(formerOrderId(userId, 'same-key'));
    expect(ours.body.orderId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('follow ID_SECRET when it is given: installations configured with one secret derive the same ids', async () => {
    const ID_SECRET = `id-secret-${randomUUID()}`;
    const one = await openStack({ env: { ID_SECRET } });
    const two = await openStack({ env: { ID_SECRET } });
    try {
      const userId = randomUUID();
      const a = await create(one, one.servers[0]!, userId, 'configured');
      const b = await create(two, two.servers[0]!, userId, 'configured');
      expect(a.body.orderId).toBe(b.body.orderId);
      expect(a.body.orderId).not.toBe((await create(here, here.servers[0]!, userId, 'configured')).body.orderId);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe('the installation secret', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.pool);
  });
  afterAll(() => db.close());

  it('is made once, random, and read alike by starts racing on a fresh database', async () => {
    const secrets = await Promise.all(Array.from({ length: 8 }, () => loadInstallationSecret(db.pool)));
    expect(secrets[0]).toHaveLength(32);
    for (const secret of secrets) expect(secret.equals(secrets[0]!)).toBe(true);
    expect((await loadInstallationSecret(db.pool)).equals(secrets[0]!)).toBe(true);
    const { rows } = await db.pool.query<{ n: number }>('select count(*)::int as n from installation_secrets');
    expect(rows[0]?.n).toBe(1);
  });
});

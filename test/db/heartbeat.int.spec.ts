import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeartbeat } from '../../src/db/heartbeat.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const connect = async () => {
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
};

describe('the heartbeat of a long-lived connection', () => {
  it('stays quiet while the connection answers', async () => {
    const client = await connect();
    let dead = 0;
    const stop = startHeartbeat(client, () => dead++, { everyMs: 50, timeoutMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    stop();
    expect(dead).toBe(0);
    await client.end();
  });

  it('calls it dead when a beat goes unanswered past the timeout (a connection that stopped answering)', async () => {
    const client = await connect();
    // The server is busy on this connection for 1.5 s: to the heartbeat, as good as gone.
    const stuck = client.query('select pg_sleep(1.5)').catch(() => undefined);
    let dead = 0;
    const started = Date.now();
    const stop = startHeartbeat(client, () => dead++, { everyMs: 50, timeoutMs: 300 });
    while (dead === 0 && Date.now() - started < 2500) await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    expect(dead).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(1200);
    await stuck;
    await client.end();
  });

  it('calls it dead when a beat fails (the server ended the session)', async () => {
    const client = await connect();
    const pid = (client as unknown as { processID: number }).processID;
    let dead = 0;
    const stop = startHeartbeat(client, () => dead++, { everyMs: 50, timeoutMs: 1000 });
    await db.pool.query('select pg_terminate_backend($1)', [pid]);
    const started = Date.now();
    while (dead === 0 && Date.now() - started < 2000) await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    expect(dead).toBeGreaterThan(0);
  });
});

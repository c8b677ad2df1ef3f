import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whileLeading } from '../../src/db/leadership.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startFreezingProxy } from '../support/proxy.ts';

let db: TestDatabase;
let admin: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await admin.end();
  await db.close();
});

const KEY = 424_242;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The backends a process opened under `name`, now. */
const backends = async (name: string): Promise<number[]> =>
  (await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [name])).rows.map(
    (row) => row.pid,
  );

/** A process offering to run the role under `name`; `leading` turns true while its work runs. */
function candidate(name: string, errors: unknown[], retryMs = 50) {
  const stop = new AbortController();
  const state = { leading: false, led: 0 };
  const done = whileLeading(
    { connectionString: db.url, application_name: name },
    KEY,
    stop.signal,
    async (leading) => {
      state.leading = true;
      state.led += 1;
      await new Promise((resolve) => leading.addEventListener('abort', resolve, { once: true }));
      state.leading = false;
    },
    { retryMs, onError: (error) => errors.push(error) },
  );
  return { state, stop: async () => (stop.abort(), await done) };
}

/** A candidate under `name` that leads already. */
async function leading(name: string, errors: unknown[]) {
  const leader = candidate(name, errors);
  await until(() => leader.state.leading, 5000);
  return leader;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await pause(20);
  }
}

describe('a role led by one process among several', () => {
  it('keeps one waiting connection in a process that does not lead, instead of one per try, and takes over on it', async () => {
    const errors: unknown[] = [];
    const leader = await leading('lead-a', errors);
    const follower = candidate('lead-b', errors);
    try {
      const seen = new Set<number>();
      // About twenty tries at 50 ms.
      for (let i = 0; i < 10; i += 1) {
        for (const pid of await backends('lead-b')) seen.add(pid);
        await pause(100);
      }
      expect(seen.size).toBe(1);
      expect(follower.state.led).toBe(0);
      await leader.stop();
      await until(() => follower.state.leading, 2000);
      expect(await backends('lead-b')).toEqual([...seen]);
      expect(await backends('lead-a')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await leader.stop();
      await follower.stop();
    }
    // Stopped, neither leaves a connection behind.
    await until(async () => (await backends('lead-b')).length === 0, 2000);
  });

  it('opens a new waiting connection when its old one is cut, and still takes over', async () => {
    const errors: unknown[] = [];
    const leader = await leading('lead-c', errors);
    const follower = candidate('lead-d', errors);
    try {
      await until(async () => (await backends('lead-d')).length === 1, 2000);
      const [cut] = await backends('lead-d');
      await admin.query('select pg_terminate_backend($1)', [cut]);
      await until(async () => {
        const now = await backends('lead-d');
        return now.length === 1 && now[0] !== cut;
      }, 3000);
      await leader.stop();
      await until(() => follower.state.leading, 2000);
    } finally {
      await leader.stop();
      await follower.stop();
    }
  });

  it('keeps no waiting connection when it tries too seldom for the server to keep it (idle_session_timeout)', async () => {
    const errors: unknown[] = [];
    const leader = await leading('lead-e', errors);
    const seldom = candidate('lead-f', errors, 9000);
    try {
      // Its first try fails (the lock is held); then it waits nine seconds with nothing open.
      await pause(500);
      expect(await backends('lead-f')).toEqual([]);
      expect(seldom.state.led).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await leader.stop();
      await seldom.stop();
    }
  });

  it(
    'stops when told even while the network has gone dark, the server accepting connections and never answering',
    { timeout: 60_000 },
    async () => {
      const url = new URL(db.url);
      const proxy = await startFreezingProxy({ host: url.hostname, port: Number(url.port) });
      // Over TCP through the proxy (the test URL may name a Unix socket as its host).
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      url.searchParams.delete('host');
      const stop = new AbortController();
      const state = { leading: false, lost: false };
      const role = whileLeading(
        { connectionString: url.toString() },
        KEY + 1,
        stop.signal,
        async (leading) => {
          state.leading = true;
          await new Promise((resolve) => leading.addEventListener('abort', resolve, { once: true }));
          state.lost = true;
        },
        { retryMs: 200, onError: () => undefined },
      );
      try {
        await until(() => state.leading, 5000);
        proxy.blackHole();
        // The heartbeat gives the lead up (2 + 4 s); the role then keeps trying to open sessions into the dark.
        await until(() => state.lost, 10_000);
        await pause(1000);
        stop.abort();
        const started = Date.now();
        await role;
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        stop.abort();
        await proxy.close();
      }
    },
  );
});

import { Socket } from 'node:net';
import pg from 'pg';
import type { EventStore } from '../../../src/eventstore/eventStore.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { isLockHeld, REBUILD_LOCK_KEY } from '../../../src/db/leadership.ts';
import { rebuildProjections } from '../../../src/projections/index.ts';
import { REBUILD_APPLICATION_NAME } from '../../../src/projections/engine/rebuild.ts';
import { randomOrderLife, readModelSuite, seededRandom } from '../support.ts';
import { settledWithoutUncaught } from '../../support/uncaught.ts';

/** The store, with `hook` run (and awaited) each time the head is asked for: a rebuild asks once, just before its load. */
function withHeadHook(store: EventStore, hook: () => Promise<void>): EventStore {
  return {
    ...store,
    headPosition: async () => {
      await hook();
      return store.headPosition();
    },
  };
}

/** A socket that fails to connect, as when the server refuses more connections. */
class RefusedSocket extends Socket {
  override connect(): this {
    process.nextTick(() => this.emit('error', new Error('connection refused (test)')));
    return this;
  }
}

describe('a rebuild that fails on its connections', () => {
  const fx = readModelSuite({ projector: true });
  beforeAll(async () => {
    const random = seededRandom(21);
    for (let i = 0; i < 30; i += 1) await randomOrderLife(fx.commands, random, 4);
    await fx.caughtUp();
  });

  it('lets go of the rebuild lock when it cannot open its connections, so the next rebuild runs', async () => {
    // The first connection (the lock's session) opens; every later one is refused.
    let opened = 0;
    const refusing = new pg.Pool({
      connectionString: fx.db.url,
      stream: () => (opened++ === 0 ? new Socket() : new RefusedSocket()),
    });
    try {
      await expect(rebuildProjections({ pool: refusing, eventStore: fx.store })).rejects.toThrow(
        /connection refused \(test\)/,
      );
    } finally {
      await refusing.end();
    }
    expect(opened).toBeGreaterThan(1);
    expect(await isLockHeld(fx.db.pool, REBUILD_LOCK_KEY)).toBe(false);
    const report = await fx.rebuild();
    expect(report.orders).toBe(30);
  });

  it('fails, without ending the process, when its connections are cut mid-way; the live tables stay and the next rebuild runs', async () => {
    const before = await fx.snapshot();
    // Cut as the load is about to start (the rebuild asks for the head then, and waits for the answer).
    const cutting = withHeadHook(fx.store, async () => {
      await fx.db.pool.query(
        'select pg_terminate_backend(pid, 5000) from pg_stat_activity where application_name = $1 and datname = current_database()',
        [REBUILD_APPLICATION_NAME],
      );
    });
    const { result, uncaught } = await settledWithoutUncaught(() => fx.rebuild({ eventStore: cutting }));
    expect(result.status).toBe('rejected');
    expect(uncaught).toEqual([]);
    expect(await fx.snapshot()).toEqual(before);
    expect(await isLockHeld(fx.db.pool, REBUILD_LOCK_KEY)).toBe(false);
    const report = await fx.rebuild();
    expect(report.orders).toBe(30);
    const { rows } = await fx.db.pool.query("select nspname from pg_namespace where nspname like 'projection_%'");
    expect(rows).toEqual([]);
  });

  it('stops before switching when it loses its lock, so a rebuild started meanwhile cannot be undone by it', async () => {
    const before = await fx.snapshot();
    // The session holding the rebuild's lock ends (as when its host's network drops) as the load starts.
    const losing = withHeadHook(fx.store, async () => {
      await fx.db.pool.query(
        `select pg_terminate_backend(pid, 5000) from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
           and ((classid::bigint << 32) | objid::bigint) = $1::bigint and objsubid = 1`,
        [REBUILD_LOCK_KEY],
      );
      // Its client hears of the end a moment later.
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await expect(fx.rebuild({ eventStore: losing })).rejects.toThrow(/lost its lock/);
    expect(await fx.snapshot()).toEqual(before);
    expect((await fx.rebuild()).orders).toBe(30);
  });
});

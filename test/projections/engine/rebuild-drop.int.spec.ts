import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomOrderLife, readModelSuite, seededRandom } from '../support.ts';

/** A session of its own, as a reader in another process holds one. */
async function session(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const retiredSchemas = async (pool: pg.Pool): Promise<string[]> =>
  (
    await pool.query<{ nspname: string }>("select nspname from pg_namespace where nspname like 'projection_retired_%'")
  ).rows.map((row) => row.nspname);

describe('dropping the tables a rebuild switched out', () => {
  const fx = readModelSuite({ projector: true });
  beforeAll(async () => {
    const random = seededRandom(7);
    for (let i = 0; i < 10; i += 1) await randomOrderLife(fx.commands, random, 4);
    await fx.caughtUp();
  });

  it(
    'reports the switch done when a reader still holds the switched-out table, and leaves it for the next rebuild',
    { timeout: 20_000 },
    async () => {
      // A table of another part referencing the orders: its foreign key follows the live table when it
      // is switched out, so dropping the retired schema must lock it too, and a reader holds that.
      await fx.db.pool.query('create table reader_notes (order_id uuid references production_orders (id))');
      const reader = await session(fx.db.url);
      try {
        await reader.query('begin');
        await reader.query('lock table reader_notes in access share mode');
        const started = performance.now();
        const report = await fx.rebuild({ dropLockTimeoutMs: 300 });
        expect(report.orders).toBe(10);
        expect(report.retiredDropped).toBe(false);
        expect(performance.now() - started).toBeLessThan(15_000);
        expect(await retiredSchemas(fx.db.pool)).toHaveLength(1);
      } finally {
        await reader.query('rollback').catch(() => undefined);
        await reader.end();
      }
      // The reader is gone: the next rebuild drops what was left, and its own retired tables.
      const next = await fx.rebuild({ dropLockTimeoutMs: 300 });
      expect(next.retiredDropped).toBe(true);
      expect(await retiredSchemas(fx.db.pool)).toEqual([]);
      await fx.db.pool.query('drop table reader_notes');
    },
  );

  it(
    'starts, and finishes, while a reader still holds tables an earlier switch left behind',
    { timeout: 20_000 },
    async () => {
      await fx.db.pool.query(
        'create schema projection_retired_leftover; create table projection_retired_leftover.production_orders (id uuid)',
      );
      const reader = await session(fx.db.url);
      try {
        await reader.query('begin');
        await reader.query('lock table projection_retired_leftover.production_orders in access share mode');
        const report = await fx.rebuild({ dropLockTimeoutMs: 300 });
        expect(report.orders).toBe(10);
        expect(report.retiredDropped).toBe(true);
        expect(await retiredSchemas(fx.db.pool)).toEqual(['projection_retired_leftover']);
      } finally {
        await reader.query('rollback').catch(() => undefined);
        await reader.end();
      }
    },
  );
});

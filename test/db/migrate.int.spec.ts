import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, MigrationError } from '../../src/db/migrate.ts';
import { LINE_ITEM_COLUMNS, ORDER_COLUMNS, TIMELINE_COLUMNS } from '../../src/projections/orders/tables.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

describe('migrate', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('applies every numbered migration once, even when two processes start at the same moment', async () => {
    const names = (await loadMigrations()).map((m) => m.name);
    const [first, second] = await Promise.all([migrate(db.pool), migrate(db.pool)]);
    expect([...first, ...second].sort()).toEqual(names);
    expect(await migrate(db.pool)).toEqual([]);
    const { rows } = await db.pool.query<{ name: string }>('select name from schema_migrations order by name');
    expect(rows.map((r) => r.name)).toEqual(names);
  });

  it('creates the read tables with exactly the columns the projection writes, and seeds the garment catalog', async () => {
    for (const [table, columns] of [
      ['production_orders', ORDER_COLUMNS],
      ['production_line_items', LINE_ITEM_COLUMNS],
      ['fulfillment_events', TIMELINE_COLUMNS],
    ] as const) {
      const { rows } = await db.pool.query<{ column_name: string }>(
        "select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position",
        [table],
      );
      expect(rows.map((r) => r.column_name).sort()).toEqual(Object.keys(columns).sort());
    }
    const { rows } = await db.pool.query<{ title: string }>('select title from garments');
    expect(rows.map((r) => r.title)).toEqual(
      expect.arrayContaining(['Classic Cotton Tee', 'Pullover Hoodie', 'Crewneck Sweatshirt', 'Canvas Tote Bag']),
    );
  });

  it('refuses a migration whose file changed after it was applied, and stops at a failing one with the earlier ones kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    const url = pathToFileURL(`${dir}/`);
    await writeFile(join(dir, '001_one.sql'), 'create table mig_one (id int);');
    await writeFile(join(dir, '002_two.sql'), 'create table mig_two (id int); select 1 / 0;');
    await expect(migrate(db.pool, { directory: url })).rejects.toThrow(/002_two.sql failed: division by zero/);
    const { rows } = await db.pool.query<{ one: string | null; two: string | null }>(
      "select to_regclass('mig_one')::text as one, to_regclass('mig_two')::text as two",
    );
    expect(rows[0]).toEqual({ one: 'mig_one', two: null });
    await writeFile(join(dir, '001_one.sql'), 'create table mig_one (id bigint);');
    await expect(migrate(db.pool, { directory: url })).rejects.toBeInstanceOf(MigrationError);
  });
});

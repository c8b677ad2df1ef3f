import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './db.ts';

describe('test database', () => {
  it('gives each test file its own empty PostgreSQL database', async () => {
    const db = await createTestDatabase();
    const { rows } = await db.pool.query<{ tables: string }>(
      "select count(*) as tables from pg_tables where schemaname = 'public'",
    );
    expect(rows[0]?.tables).toBe('0');
    await db.close();
  });
});

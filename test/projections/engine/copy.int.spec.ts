import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyOut } from '../../../src/eventstore/postgres/copyOut.ts';
import { copyData } from '../../../src/projections/engine/copy.ts';
import { sleep } from '../../eventstore/support.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';

/** Settles with the promise, or with 'still waiting' after 10 s. */
const within10s = <T>(promise: Promise<T>): Promise<T | 'still waiting'> =>
  Promise.race([promise, sleep(10_000).then(() => 'still waiting' as const)]);

describe("COPY through pg (the bulk reader and the rebuild's load)", () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client(db.url);
    await client.connect();
    await client.query('create table numbers (n bigint not null)');
  });
  afterAll(async () => {
    await client.end();
    await db.close();
  });

  it('a COPY out the server ends with an error fails the reader, which no longer waits for it, and the connection goes on', async () => {
    // The error comes after two rows: pg then forgets the statement and never reports it ready.
    const copy = new CopyOut(
      'copy (select 1 / (g - 3) from generate_series(1, 5) g) to stdout (format binary)',
      (row, offset) => row.readInt32BE(offset + 4),
      1,
    );
    void client.query(copy);
    const rows: number[] = [];
    const reading = (async () => {
      for await (const batch of copy) rows.push(...batch);
    })();
    await expect(within10s(reading)).rejects.toThrow(/division by zero/);
    expect(rows).toEqual([0, -1]);
    expect((await client.query<{ ok: number }>('select 1 as ok')).rows[0]!.ok).toBe(1);
  });

  it('a row the server refuses fails the COPY in, which writes nothing, and the connection goes on', async () => {
    await expect(
      within10s(copyData(client, 'copy numbers (n) from stdin', Buffer.from('1\n18446744073709551615\n'))),
    ).rejects.toThrow(/out of range for type bigint/);
    await copyData(client, 'copy numbers (n) from stdin', Buffer.from('2\n3\n'));
    expect((await client.query<{ n: string }>('select n from numbers order by n')).rows.map((row) => row.n)).toEqual([
      '2',
      '3',
    ]);
  });
});

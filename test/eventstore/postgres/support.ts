import type pg from 'pg';
import type { NewEvent } from '../../../src/eventstore/eventStore.ts';
import { createPostgresEventStore, type PostgresEventStoreTuning } from '../../../src/eventstore/postgres/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import type { EventStoreContractSubject } from '../contract.ts';

/** The SQL function's argument for one append with expected version `any`, as the adapter sends it. */
export const appendArgument = (streamId: string, events: readonly NewEvent[]): string =>
  JSON.stringify([
    { s: streamId, e: -1, ev: events.map((e) => ({ i: e.id, t: e.type, d: e.data, m: e.metadata ?? {} })) },
  ]);

/**
 * A raw transaction that appends through the same SQL function as the store and stays open until
 * told to commit or roll back: the out-of-order commit every reader must survive.
 */
export async function openAppendTransaction(pool: pg.Pool, streamId: string, events: readonly NewEvent[]) {
  const client = await pool.connect();
  await client.query('begin');
  const { rows } = await client.query<{ r_outcome: string }>('select r_outcome from es_append_batch($1::jsonb)', [
    appendArgument(streamId, events),
  ]);
  if (rows[0]?.r_outcome !== 'ok') throw new Error(`held append answered ${rows[0]?.r_outcome}`);
  const finish = async (sql: 'commit' | 'rollback'): Promise<void> => {
    try {
      await client.query(sql);
    } finally {
      client.release();
    }
  };
  return { commit: () => finish('commit'), rollback: () => finish('rollback') };
}

/** A store on a fresh database, with the held-open writer the contract's stress test mixes in. */
export async function postgresSubject(
  tuning: PostgresEventStoreTuning = {},
): Promise<EventStoreContractSubject & { url: string; raw: pg.Pool }> {
  const db = await createTestDatabase();
  const store = await createPostgresEventStore({ connectionString: db.url, pollIntervalMs: 1000, ...tuning });
  return {
    store,
    url: db.url,
    // Raw connections beside the store's own, as another process's writers would be.
    raw: db.pool,
    async slowAppend(streamId, events, { holdMs, rollback }) {
      const held = await openAppendTransaction(db.pool, streamId, events);
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      await (rollback ? held.rollback() : held.commit());
    },
    async cleanup() {
      await store.close();
      await db.close();
    },
  };
}

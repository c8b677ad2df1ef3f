import type pg from 'pg';
import type { GlobalPosition } from '../../commands/eventStore.ts';
import { LINE_ITEM_COLUMNS, ORDER_COLUMNS, TIMELINE_COLUMNS, qualified } from '../orders/columns.ts';
import type { OrderWrites } from '../orders/store.ts';
import { CheckpointMovedError, samePosition } from './checkpoints.ts';
import type { DeadLetter } from './deadLetters.ts';
import { CHANGES_CHANNEL, encodeChangeNotices } from './notifications.ts';

/*
 * A live batch costs four round trips, whatever its size: BEGIN with the checkpoint lock, the
 * rows to fold from (skipped when cached), one statement for every write, COMMIT. Round trips,
 * not server work, are most of a small batch's time, and so of the projection lag.
 */

const NAME = /^[a-z0-9_@-]+$/;

/**
 * Opens the batch's transaction and locks the checkpoint row (creating it the first time), in
 * one round trip; throws CheckpointMovedError (after rolling back) if it is not at `expected`.
 *
 * The batch commits without waiting for its WAL flush (`synchronous_commit = off`, this
 * transaction only): the read model is derived from events that are already durable, and its
 * rows and checkpoint commit or vanish together, so a crash that loses the last batches makes
 * the projector apply those events again, never skip them. What it saves is an fsync on the
 * path from every command to every subscriber and to every read-your-writes answer.
 */
export async function beginAtCheckpoint(client: pg.ClientBase, projection: string, expected: GlobalPosition | undefined): Promise<void> {
  if (!NAME.test(projection)) throw new Error(`Bad projection name ${projection}`);
  const results = (await client.query(
    `begin; set local synchronous_commit = off; insert into projection_checkpoints (name) values ('${projection}') on conflict (name) do nothing;
     select position_commit::text as commit, position_prepare::text as prepare from projection_checkpoints where name = '${projection}' for update`,
  )) as unknown as pg.QueryResult<{ commit: string | null; prepare: string | null }>[];
  const row = results.at(-1)?.rows[0];
  const stored = row?.commit != null && row.prepare != null ? { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } : undefined;
  if (!samePosition(stored, expected)) {
    await client.query('rollback');
    throw new CheckpointMovedError(stored);
  }
}

const list = (columns: Record<string, unknown>): string => Object.keys(columns).join(', ');
const populate = (schema: string, table: string, columns: Record<string, unknown>, param: string): string =>
  `insert into ${qualified(schema, table)} (${list(columns)}) select ${list(columns)} from json_populate_recordset(null::${qualified(schema, table)}, ${param}::json)`;
const ORDER_UPDATES = Object.keys(ORDER_COLUMNS).filter((c) => c !== 'id');

const statements = new Map<string, string>();

function writeStatement(schema: string): string {
  let sql = statements.get(schema);
  if (!sql) {
    // Data-modifying CTEs all run, in one statement and one snapshot; the NOTIFY is the final select.
    sql = `with
      upserted as (${populate(schema, 'production_orders', ORDER_COLUMNS, '$1')}
        on conflict (id) do update set (${ORDER_UPDATES.join(', ')}) = (${ORDER_UPDATES.map((c) => `excluded.${c}`).join(', ')})
        where production_orders.version < excluded.version returning 1),
      line_items as (${populate(schema, 'production_line_items', LINE_ITEM_COLUMNS, '$2')} returning 1),
      timeline as (${populate(schema, 'fulfillment_events', TIMELINE_COLUMNS, '$3')} returning 1),
      dead as (insert into projection_dead_letters (projection, event_id, stream_id, stream_version, event_type, position_commit, position_prepare, error, data, metadata, recorded_at)
        select projection, event_id, stream_id, stream_version, event_type, position_commit, position_prepare, error, data, metadata, recorded_at
        from json_populate_recordset(null::projection_dead_letters, $4::json)
        on conflict (projection, event_id) do update set error = excluded.error, failed_at = now() returning 1),
      checkpoint as (update projection_checkpoints set position_commit = $5, position_prepare = $6, updated_at = now() where name = $7 returning 1)
    select pg_notify('${CHANGES_CHANNEL}', payload) from unnest($8::text[]) as payload`;
    statements.set(schema, sql);
  }
  return sql;
}

const deadLetterRow = (projection: string, { event, error }: DeadLetter) => ({
  projection,
  event_id: event.id,
  stream_id: event.streamId,
  stream_version: event.streamVersion,
  event_type: event.type,
  position_commit: event.position.commit.toString(),
  position_prepare: event.position.prepare.toString(),
  error: error.slice(0, 4000),
  data: event.data,
  metadata: event.metadata,
  recorded_at: event.recordedAt.toISOString(),
});

/**
 * Every write of the batch, the new checkpoint and the change notices, in one statement. The
 * NOTIFY goes out at COMMIT (and only then), so listeners never hear of rows they cannot read.
 * It is sent even when no order changed (only dead letters): waiters on the position must wake.
 * A named statement: planning it (~0.18 ms) cost a quarter of running it, on every batch; a
 * rebuild's table switch makes PostgreSQL plan it again by itself.
 */
export async function writeBatch(
  client: pg.ClientBase,
  target: { readonly projection: string; readonly schema: string },
  writes: OrderWrites,
  deadLetters: readonly DeadLetter[],
  position: GlobalPosition,
  changedOrderIds: readonly string[],
): Promise<void> {
  await client.query({ name: `projection_write_${target.schema}`, text: writeStatement(target.schema), values: [
    JSON.stringify(writes.orders),
    JSON.stringify(writes.lineItems),
    JSON.stringify(writes.timeline),
    JSON.stringify(deadLetters.map((letter) => deadLetterRow(target.projection, letter))),
    position.commit.toString(),
    position.prepare.toString(),
    target.projection,
    encodeChangeNotices(position, changedOrderIds),
  ] });
}

import type pg from 'pg';
import type { GlobalPosition } from '../../commands/eventStore.ts';
import { LINE_ITEM_COLUMNS, ORDER_COLUMNS, TIMELINE_COLUMNS, qualified } from '../orders/columns.ts';
import { ORDER_SUMMARIES_BY_IDS } from '../orders/queries.ts';
import type { OrderWrites } from '../orders/store.ts';
import type { OrderRow } from '../orders/viewRows.ts';
import { CheckpointMovedError, readCheckpoint } from './checkpoints.ts';
import type { DeadLetter } from './deadLetters.ts';
import { CHANGES_CHANNEL, encodeChangeNotices } from './notifications.ts';

/*
 * A live batch is one message to the server: BEGIN, the checkpoint check and lock, one statement
 * for every write, COMMIT. The rows to fold from cost one more round trip, and only when the
 * projector's own cache lacks them. Round trips, each waiting for the server and then for this
 * process's event loop, were most of a small batch's time, and so of the projection lag.
 */

const NAME = /^[a-z0-9_@-]+$/;
/** SQLSTATE raised by projection_checkpoint_at (migration 004) when the checkpoint moved. */
const CHECKPOINT_MOVED = 'PJ001';

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
 * A string as an SQL literal, the same text pg's `escapeLiteral` gives (' E' form when it holds a
 * backslash, so it reads the same whatever standard_conforming_strings says). That one builds
 * the literal a character at a time, and a batch's JSON runs to tens of kilobytes: a fifth of
 * everything the server allocated under load. Two native replaces make it in one piece.
 */
export const sqlLiteral = (value: string): string =>
  value.includes('\\') ? ` E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${value.replace(/'/g, "''")}'`;

/** Statements prepared on each connection, by name (SQL PREPARE lives per session). */
const prepared = new WeakMap<pg.ClientBase, Set<string>>();

async function prepareOnce(client: pg.ClientBase, name: string, prepare: () => string): Promise<string> {
  let names = prepared.get(client);
  if (!names?.has(name)) {
    await client.query(`prepare ${name} ${prepare()}`);
    prepared.set(client, (names ??= new Set()).add(name));
  }
  return name;
}

const prepareWrite = (client: pg.ClientBase, schema: string): Promise<string> =>
  prepareOnce(client, `projection_batch_${schema}`, () => `(json, json, json, json, bigint, bigint, text, text[]) as ${writeStatement(schema)}`);

/** The live tables' order summaries, read back inside the batch (always a generic plan: one shape, any number of ids). */
const prepareReadBack = (client: pg.ClientBase): Promise<string> =>
  prepareOnce(client, 'projection_read_back', () => `(uuid[]) as ${ORDER_SUMMARIES_BY_IDS}`);

/**
 * One batch, as one transaction sent as one message: the checkpoint row locked and checked to be
 * at `expected` (else CheckpointMovedError, nothing written), every write, the new checkpoint and
 * the change notices, then COMMIT. The NOTIFY goes out at COMMIT (and only then), so listeners
 * never hear of rows they cannot read; it is sent even when no order changed (only dead letters),
 * because waiters on the position must wake.
 *
 * The writes are a prepared statement (planning it cost a quarter of running it), executed with
 * its arguments as escaped literals, since a message of several statements cannot carry bound
 * parameters. A rebuild's table switch makes PostgreSQL plan it again by itself.
 *
 * With `readBack` (the live projector, while this process has subscriptions to feed), the
 * changed orders' summary rows are read inside the transaction, after the writes, as
 * `findOrderSummaries` reads them: subscribers in this process then get them with the change
 * notice instead of each change costing them a read of their own, one more round trip away.
 *
 * The transaction commits without waiting for its WAL flush (`synchronous_commit = off`, this
 * transaction only): the read model is derived from events that are already durable, and its
 * rows and checkpoint commit or vanish together, so a crash that loses the last batches makes
 * the projector apply those events again, never skip them. What it saves is an fsync on the
 * path from every command to every subscriber and to every read-your-writes answer.
 */
export async function commitBatch(
  client: pg.ClientBase,
  target: { readonly projection: string; readonly schema: string },
  expected: GlobalPosition | undefined,
  writes: OrderWrites,
  deadLetters: readonly DeadLetter[],
  position: GlobalPosition,
  changedOrderIds: readonly string[],
  readBack = false,
): Promise<ReadonlyMap<string, OrderRow> | undefined> {
  if (!NAME.test(target.projection)) throw new Error(`Bad projection name ${target.projection}`);
  if (readBack && target.schema !== 'public') throw new Error('Only the live tables are read back');
  const statement = await prepareWrite(client, target.schema);
  const text = sqlLiteral;
  const notices = encodeChangeNotices(position, changedOrderIds).map(text).join(', ');
  const reading = readBack && changedOrderIds.length > 0;
  const readBackSql = reading
    ? `set local plan_cache_mode = force_generic_plan; execute ${await prepareReadBack(client)}(${text(`{${changedOrderIds.join(',')}}`)});`
    : '';
  const sql = `begin; set local synchronous_commit = off;
    select projection_checkpoint_at(${text(target.projection)}, ${expected ? `${expected.commit}, ${expected.prepare}` : 'null, null'});
    execute ${statement}(${text(JSON.stringify(writes.orders))}, ${text(JSON.stringify(writes.lineItems))}, ${text(JSON.stringify(writes.timeline))},
      ${text(JSON.stringify(deadLetters.map((letter) => deadLetterRow(target.projection, letter))))},
      ${position.commit}, ${position.prepare}, ${text(target.projection)}, array[${notices}]::text[]);
    ${readBackSql}
    commit`;
  try {
    const results = (await client.query(sql)) as unknown as pg.QueryResult<OrderRow>[];
    if (!reading) return undefined;
    // The read-back's rows are the second-last result (COMMIT's is the last).
    const rows = results.at(-2)?.rows ?? [];
    return new Map(rows.map((row) => [row.id, row]));
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    if ((error as { code?: string }).code === CHECKPOINT_MOVED) throw new CheckpointMovedError((await readCheckpoint(client, target.projection)).position);
    throw error;
  }
}

import type pg from 'pg';
import type { GlobalPosition } from '../../eventstore/eventStore.ts';
import { CheckpointMovedError, readCheckpoint } from './checkpoints.ts';
import type { ProjectionDeadLetter } from './deadLetters.ts';
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

/** The engine's part of every batch: dead letters, every projection's checkpoint, the change notices (the NOTIFY is the final select). */
const ENGINE_WRITES = `with
  dead as (insert into projection_dead_letters (projection, event_id, stream_id, stream_version, event_type, position_commit, position_prepare, error, data, metadata, recorded_at)
    select projection, event_id, stream_id, stream_version, event_type, position_commit, position_prepare, error, data, metadata, recorded_at
    from json_populate_recordset(null::projection_dead_letters, $1::json)
    on conflict (projection, event_id) do update set error = excluded.error, failed_at = now() returning 1),
  checkpoint as (update projection_checkpoints set position_commit = $2, position_prepare = $3, updated_at = now() where name = any($4::text[]) returning 1)
select pg_notify('${CHANGES_CHANNEL}', payload) from unnest($5::text[]) as payload`;

const deadLetterRow = ({ projection, event, error }: ProjectionDeadLetter) => ({
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

/** Prepares `prepare()`'s statement text under `name` on this connection once; returns the name to `execute`. */
export async function prepareOnce(client: pg.ClientBase, name: string, prepare: () => string): Promise<string> {
  let names = prepared.get(client);
  if (!names?.has(name)) {
    await client.query(`prepare ${name} ${prepare()}`);
    prepared.set(client, (names ??= new Set()).add(name));
  }
  return name;
}

const prepareEngineWrites = (client: pg.ClientBase): Promise<string> =>
  prepareOnce(client, 'projection_batch_engine', () => `(json, bigint, bigint, text[], text[]) as ${ENGINE_WRITES}`);

/** One projection's part of a batch. */
export interface BatchPart<Summary> {
  readonly projection: string;
  /** Where its checkpoint must stand. */
  readonly expected: GlobalPosition | undefined;
  /** Its checkpoint moves to the batch's position (false: it is past the batch already). */
  readonly advances: boolean;
  readonly statements: readonly string[];
  readonly readBack: { readonly statement: string; idOf(row: Summary): string } | undefined;
}

/**
 * One batch, as one transaction sent as one message: each projection's checkpoint row locked and
 * checked to be at its `expected` (else CheckpointMovedError, nothing written), every
 * projection's writes, the dead letters, the new checkpoints and the change notices, then COMMIT. The NOTIFY goes out at COMMIT (and only then), so listeners
 * never hear of rows they cannot read; it is sent even when no order changed (only dead letters),
 * because waiters on the position must wake.
 *
 * The writes are prepared statements (`prepareOnce`: planning one cost a quarter of running it), executed with
 * their arguments as escaped literals, since a message of several statements cannot carry bound
 * parameters. A rebuild's table switch makes PostgreSQL plan it again by itself.
 *
 * With `readBack` (the live projector, while this process has subscriptions to feed), the
 * projections' read-back statements run inside the transaction, after the writes (the orders':
 * the changed orders' summary rows, as `findOrderSummaries` reads them): subscribers in this process then get them with the change
 * notice instead of each change costing them a read of their own, one more round trip away.
 *
 * The transaction commits without waiting for its WAL flush (`synchronous_commit = off`, this
 * transaction only): the read model is derived from events that are already durable, and its
 * rows and checkpoint commit or vanish together, so a crash that loses the last batches makes
 * the projector apply those events again, never skip them. What it saves is an fsync on the
 * path from every command to every subscriber and to every read-your-writes answer.
 */
export async function commitBatch<Summary>(
  client: pg.ClientBase,
  schema: string,
  parts: readonly BatchPart<Summary>[],
  deadLetters: readonly ProjectionDeadLetter[],
  position: GlobalPosition,
  changedIds: readonly string[],
  readBack = false,
): Promise<ReadonlyMap<string, Summary> | undefined> {
  for (const part of parts) if (!NAME.test(part.projection)) throw new Error(`Bad projection name ${part.projection}`);
  if (readBack && schema !== 'public') throw new Error('Only the live tables are read back');
  const engine = await prepareEngineWrites(client);
  const text = sqlLiteral;
  const notices = encodeChangeNotices(position, changedIds).map(text).join(', ');
  const sql = ['begin', 'set local synchronous_commit = off'];
  for (const part of parts) {
    sql.push(
      `select projection_checkpoint_at(${text(part.projection)}, ${part.expected ? `${part.expected.commit}, ${part.expected.prepare}` : 'null, null'})`,
    );
  }
  for (const part of parts) sql.push(...part.statements);
  sql.push(
    `execute ${engine}(${text(JSON.stringify(deadLetters.map(deadLetterRow)))}, ${position.commit}, ${position.prepare}, array[${parts
      .filter((part) => part.advances)
      .map((part) => text(part.projection))
      .join(', ')}]::text[], array[${notices}]::text[])`,
  );
  // Where each read-back's rows come in the results: one result per statement of the message.
  const readBacks: { readonly at: number; idOf(row: Summary): string }[] = [];
  if (readBack && changedIds.length > 0) {
    sql.push('set local plan_cache_mode = force_generic_plan');
    for (const part of parts) {
      if (!part.readBack) continue;
      sql.push(part.readBack.statement);
      readBacks.push({ at: sql.length - 1, idOf: (row) => part.readBack!.idOf(row) });
    }
  }
  sql.push('commit');
  try {
    const results = (await client.query(sql.join(';\n'))) as unknown as pg.QueryResult[];
    if (readBacks.length === 0) return undefined;
    const summaries = new Map<string, Summary>();
    for (const readBackAt of readBacks)
      for (const row of (results[readBackAt.at]?.rows ?? []) as Summary[]) summaries.set(readBackAt.idOf(row), row);
    return summaries;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    if ((error as { code?: string }).code === CHECKPOINT_MOVED) {
      const part = parts[0];
      throw new CheckpointMovedError(part ? (await readCheckpoint(client, part.projection)).position : undefined);
    }
    throw error;
  }
}

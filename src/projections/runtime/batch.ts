import type pg from 'pg';
import type { GlobalPosition, RecordedEvent } from '../../commands/eventStore.ts';
import { foldOrderEvents, orderIdsOf } from '../orders/fold.ts';
import { toOrderRecord } from '../orders/records.ts';
import { loadOrders, writeOrderChanges } from '../orders/store.ts';
import { lockCheckpoint, saveCheckpoint } from './checkpoints.ts';
import { recordDeadLetters, type DeadLetter } from './deadLetters.ts';
import { CHANGES_CHANNEL, encodeChangeNotices } from './notifications.ts';

/** Test seams: a child process can announce (and widen) the moment before a commit. */
export interface ProjectorHooks {
  beforeCommit?(events: readonly RecordedEvent[]): Promise<void>;
}

export interface BatchTarget {
  /** A connection of its own: the batch is one transaction on it. */
  readonly client: pg.ClientBase;
  readonly projection: string;
  readonly schema: string;
  readonly hooks?: ProjectorHooks;
}

export interface CommittedBatch {
  /** The checkpoint after the batch: the position of its last event. */
  readonly position: GlobalPosition;
  readonly changedOrderIds: readonly string[];
  readonly deadLetters: number;
}

/**
 * SQLSTATE classes that blame the data written, not the connection or the server: 22 data
 * exception, 23 constraint violation, 54 program limit (e.g. a value too large to index).
 */
const isDataError = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code.startsWith('54'));
};

/**
 * Projects one batch in one transaction: checkpoint lock (and check), rows, dead letters, the
 * new checkpoint and the change notices commit together, so the effect is exactly once. When the
 * database refuses the batch's data, the events are retried one by one to find the one to blame,
 * which is dead-lettered while the others are applied.
 */
export async function projectBatch(target: BatchTarget, expected: GlobalPosition | undefined, events: readonly RecordedEvent[]): Promise<CommittedBatch> {
  try {
    return await inTransaction(target, expected, events, []);
  } catch (error) {
    if (!isDataError(error)) throw error;
  }
  let position = expected;
  const changed = new Set<string>();
  let deadLetters = 0;
  for (const event of events) {
    let committed: CommittedBatch;
    try {
      committed = await inTransaction(target, position, [event], []);
    } catch (error) {
      if (!isDataError(error)) throw error;
      committed = await inTransaction(target, position, [event], [{ event, error: `Rejected by the database: ${(error as Error).message}` }]);
    }
    position = committed.position;
    deadLetters += committed.deadLetters;
    for (const id of committed.changedOrderIds) changed.add(id);
  }
  return { position: position ?? events.at(-1)!.position, changedOrderIds: [...changed], deadLetters };
}

/** `rejected`: events the database refused; they are dead-lettered instead of applied. */
async function inTransaction(target: BatchTarget, expected: GlobalPosition | undefined, events: readonly RecordedEvent[], rejected: readonly DeadLetter[]): Promise<CommittedBatch> {
  const { client, projection, schema } = target;
  const last = events.at(-1);
  if (!last) throw new Error('projectBatch needs at least one event');
  await client.query('begin');
  try {
    await lockCheckpoint(client, projection, expected);
    const state = await loadOrders(client, schema, orderIdsOf(events));
    const refused = new Set(rejected.map((letter) => letter.event));
    const folded = foldOrderEvents(state, events.filter((event) => !refused.has(event)), 'continuous');
    for (const letter of rejected) {
      const id = orderIdsOf([letter.event])[0];
      const current = id === undefined ? undefined : state.get(id);
      if (id !== undefined && current && letter.event.streamVersion > current.version) {
        folded.changed.set(id, { ...current, version: letter.event.streamVersion, position: letter.event.position });
      }
    }
    await writeOrderChanges(client, schema, {
      orders: [...folded.changed.values()].map(toOrderRecord),
      lineItems: folded.lineItems,
      timeline: folded.timeline,
    });
    const deadLetters = [...folded.deadLetters, ...rejected];
    await recordDeadLetters(client, projection, deadLetters);
    await saveCheckpoint(client, projection, last.position);
    const changedOrderIds = [...folded.changed.keys()];
    // NOTIFY in the transaction: delivered exactly when (and only if) the rows are committed.
    // Sent even when no order changed (only dead letters): waiters on that position must wake.
    await client.query('select pg_notify($1, payload) from unnest($2::text[]) as payload', [CHANGES_CHANNEL, encodeChangeNotices(last.position, changedOrderIds)]);
    await target.hooks?.beforeCommit?.(events);
    await client.query('commit');
    return { position: last.position, changedOrderIds, deadLetters: deadLetters.length };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

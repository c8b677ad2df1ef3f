import type pg from 'pg';
import { comparePositions, type GlobalPosition, type RecordedEvent } from '../../eventstore/eventStore.ts';
import { commitBatch, type BatchPart } from './batchSql.ts';
import type { ProjectionDeadLetter } from './deadLetters.ts';
import type { LiveProjection, LiveWrites, Projection } from './projection.ts';

/** Test seams: a child process can announce (and widen) the moment before a commit. */
export interface ProjectorHooks {
  beforeCommit?(events: readonly RecordedEvent[]): Promise<void>;
}

/** One projection in the live projector: its live side and where its checkpoint stands. */
export interface LiveSlot<Summary = unknown> {
  readonly projection: Projection<Summary>;
  readonly live: LiveProjection<Summary>;
  position: GlobalPosition | undefined;
}

export interface BatchTarget<Summary = unknown> {
  /** A connection of its own: the batch is one transaction on it. */
  readonly client: pg.ClientBase;
  readonly schema: string;
  readonly slots: readonly LiveSlot<Summary>[];
  readonly hooks?: ProjectorHooks;
  /** Read the changed rows back in the batch's transaction (live tables only). */
  readonly readBack?: boolean;
}

export interface CommittedBatch<Summary = unknown> {
  /** The checkpoint after the batch (every projection's): the position of its last event. */
  readonly position: GlobalPosition;
  readonly changedOrderIds: readonly string[];
  readonly deadLetters: number;
  /** With `readBack`: the changed rows as committed, by id. */
  readonly summaries?: ReadonlyMap<string, Summary>;
}

/**
 * SQLSTATE classes that blame the data written, not the connection or the server: 22 data
 * exception, 23 constraint violation, 54 program limit (e.g. a value too large to index).
 */
const isDataError = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code.startsWith('54'));
};

type Rejected = ReadonlyMap<object, ReadonlySet<RecordedEvent>>;
const NONE: Rejected = new Map();

/**
 * Projects one batch, every projection of the projector, in one transaction: checkpoint locks
 * (and checks), rows, dead letters, the new checkpoints and the change notices commit together,
 * so the effect is exactly once. When the database refuses the batch's data, the events are
 * retried one by one to find the one to blame, and for it the projections whose writes it
 * refuses (each tried alone, rolled back), which dead-letter it while the others apply it.
 */
export async function projectBatch<S>(
  target: BatchTarget<S>,
  events: readonly RecordedEvent[],
): Promise<CommittedBatch<S>> {
  try {
    return await inTransaction(target, events, NONE);
  } catch (error) {
    if (!isDataError(error)) throw error;
  }
  // Rare: each event on its own, its rows read back from the tables rather than kept.
  for (const slot of target.slots) slot.live.forget();
  const changed = new Set<string>();
  let deadLetters = 0;
  let committed: CommittedBatch<S> | undefined;
  for (const event of events) {
    try {
      committed = await inTransaction(target, [event], NONE);
    } catch (error) {
      if (!isDataError(error)) throw error;
      const rejected = new Map<object, ReadonlySet<RecordedEvent>>();
      for (const slot of target.slots) if (await refuses(target, slot, event)) rejected.set(slot, new Set([event]));
      const reason = `Rejected by the database: ${(error as Error).message}`;
      committed = await inTransaction(target, [event], rejected, reason);
    }
    deadLetters += committed.deadLetters;
    for (const id of committed.changedOrderIds) changed.add(id);
  }
  return { position: committed!.position, changedOrderIds: [...changed], deadLetters };
}

/** Whether the database refuses this projection's writes for the event alone (tried, then rolled back). */
async function refuses<S>(target: BatchTarget<S>, slot: LiveSlot<S>, event: RecordedEvent): Promise<boolean> {
  const mine = forSlot(slot, [event]);
  if (mine.length === 0) return false;
  const writes = await slot.live.fold(target.client, target.schema, mine, new Set(), false);
  if (writes.statements.length === 0) return false;
  try {
    await target.client.query(`begin; ${writes.statements.join(';\n')}; rollback`);
    return false;
  } catch (error) {
    await target.client.query('rollback').catch(() => undefined);
    if (!isDataError(error)) throw error;
    return true;
  }
}

/** The events of the batch a projection takes: past its checkpoint, of a type it handles. */
function forSlot<S>(slot: LiveSlot<S>, events: readonly RecordedEvent[]): readonly RecordedEvent[] {
  const after = slot.position;
  const { projection } = slot;
  let all = true;
  const takes = (event: RecordedEvent): boolean =>
    projection.canHandle(event.type) &&
    !(after && comparePositions(event.position, after) <= 0) &&
    projection.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix));
  for (const event of events) {
    if (!takes(event)) {
      all = false;
      break;
    }
  }
  // Usually every event: no copy then.
  return all ? events : events.filter(takes);
}

/** `rejected`: per projection, events the database refused; they are dead-lettered instead of applied. */
async function inTransaction<S>(
  target: BatchTarget<S>,
  events: readonly RecordedEvent[],
  rejected: Rejected,
  reason = '',
): Promise<CommittedBatch<S>> {
  const last = events.at(-1);
  if (!last) throw new Error('projectBatch needs at least one event');
  const parts: BatchPart<S>[] = [];
  const writes: LiveWrites<S>[] = [];
  const deadLetters: ProjectionDeadLetter[] = [];
  const changed = new Set<string>();
  for (const slot of target.slots) {
    const mine = forSlot(slot, events);
    const refused = rejected.get(slot) ?? new Set<RecordedEvent>();
    const written =
      mine.length === 0
        ? undefined
        : await slot.live.fold(target.client, target.schema, mine, refused, target.readBack ?? false);
    if (written) writes.push(written);
    for (const letter of written?.deadLetters ?? []) deadLetters.push({ projection: slot.projection.name, ...letter });
    for (const event of refused) deadLetters.push({ projection: slot.projection.name, event, error: reason });
    for (const id of written?.changedIds ?? []) changed.add(id);
    // A projection added later catches up while the others' checkpoints stay where they are.
    const advances = !slot.position || comparePositions(last.position, slot.position) > 0;
    parts.push({
      projection: slot.projection.name,
      expected: slot.position,
      advances,
      statements: written?.statements ?? [],
      readBack: written?.readBack,
    });
  }
  const changedOrderIds = [...changed];
  await target.hooks?.beforeCommit?.(events);
  const summaries = await commitBatch(
    target.client,
    target.schema,
    parts,
    deadLetters,
    last.position,
    changedOrderIds,
    target.readBack ?? false,
  );
  for (const slot of target.slots)
    if (!slot.position || comparePositions(last.position, slot.position) > 0) slot.position = last.position;
  for (const written of writes) written.committed();
  return {
    position: last.position,
    changedOrderIds,
    deadLetters: deadLetters.length,
    ...(summaries ? { summaries } : {}),
  };
}

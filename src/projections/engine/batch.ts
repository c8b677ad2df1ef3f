import type pg from 'pg';
import type { GlobalPosition, RecordedEvent } from '../../commands/eventStore.ts';
import { foldOrderEvents, orderIdsOf } from '../orders/fold.ts';
import { toOrderRecord, type ProjectedOrder } from '../orders/records.ts';
import { loadOrders } from '../orders/store.ts';
import type { OrderRow } from '../orders/viewRows.ts';
import { commitBatch } from './batchSql.ts';
import type { DeadLetter } from './deadLetters.ts';

/** Test seams: a child process can announce (and widen) the moment before a commit. */
export interface ProjectorHooks {
  beforeCommit?(events: readonly RecordedEvent[]): Promise<void>;
}

export interface BatchTarget {
  /** A connection of its own: the batch is one transaction on it. */
  readonly client: pg.ClientBase;
  readonly projection: string;
  readonly schema: string;
  /**
   * Orders as last committed by this projector, to skip reading them back. Only valid while
   * this projector alone writes from the checkpoint it holds; the caller drops it otherwise.
   */
  readonly cache?: OrderCache;
  readonly hooks?: ProjectorHooks;
  /** Read the changed orders' summary rows back in the batch's transaction (live tables only). */
  readonly readBack?: boolean;
}

export interface CommittedBatch {
  /** The checkpoint after the batch: the position of its last event. */
  readonly position: GlobalPosition;
  readonly changedOrderIds: readonly string[];
  readonly deadLetters: number;
  /** With `readBack`: the changed orders' summary rows as committed, by order id. */
  readonly summaries?: ReadonlyMap<string, OrderRow>;
}

/** A bounded map of committed order states; emptied when it grows past its size. */
export class OrderCache {
  readonly #orders = new Map<string, ProjectedOrder>();
  constructor(private readonly maxSize = 20_000) {}
  get(id: string): ProjectedOrder | undefined {
    return this.#orders.get(id);
  }
  remember(orders: Iterable<[string, ProjectedOrder]>): void {
    for (const [id, order] of orders) this.#orders.set(id, order);
    if (this.#orders.size > this.maxSize) this.#orders.clear();
  }
  clear(): void {
    this.#orders.clear();
  }
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
  // Rare: each event on its own, its order read back from the rows rather than the cache.
  target.cache?.clear();
  const untouched = { ...target, cache: undefined };
  let position = expected;
  const changed = new Set<string>();
  let deadLetters = 0;
  for (const event of events) {
    let committed: CommittedBatch;
    try {
      committed = await inTransaction(untouched, position, [event], []);
    } catch (error) {
      if (!isDataError(error)) throw error;
      committed = await inTransaction(untouched, position, [event], [{ event, error: `Rejected by the database: ${(error as Error).message}` }]);
    }
    position = committed.position;
    deadLetters += committed.deadLetters;
    for (const id of committed.changedOrderIds) changed.add(id);
  }
  return { position: position ?? events.at(-1)!.position, changedOrderIds: [...changed], deadLetters };
}

/** `rejected`: events the database refused; they are dead-lettered instead of applied. */
async function inTransaction(target: BatchTarget, expected: GlobalPosition | undefined, events: readonly RecordedEvent[], rejected: readonly DeadLetter[]): Promise<CommittedBatch> {
  const { client, cache } = target;
  const last = events.at(-1);
  if (!last) throw new Error('projectBatch needs at least one event');
  const ids = orderIdsOf(events);
  const state = new Map<string, ProjectedOrder>();
  const missing: string[] = [];
  for (const id of ids) {
    const cached = cache?.get(id);
    if (cached) state.set(id, cached);
    else missing.push(id);
  }
  // Read before the batch's transaction: if anyone else wrote these rows since, the checkpoint
  // moved too, and commitBatch refuses the batch.
  for (const [id, order] of await loadOrders(client, target.schema, missing)) state.set(id, order);
  const refused = new Set(rejected.map((letter) => letter.event));
  const folded = foldOrderEvents(state, events.filter((event) => !refused.has(event)), 'continuous');
  for (const letter of rejected) {
    const id = orderIdsOf([letter.event])[0];
    const current = id === undefined ? undefined : state.get(id);
    if (id !== undefined && current && letter.event.streamVersion > current.version) {
      folded.changed.set(id, { ...current, version: letter.event.streamVersion, position: letter.event.position });
    }
  }
  const deadLetters = [...folded.deadLetters, ...rejected];
  const changedOrderIds = [...folded.changed.keys()];
  await target.hooks?.beforeCommit?.(events);
  const summaries = await commitBatch(
    client,
    target,
    expected,
    { orders: [...folded.changed.values()].map(toOrderRecord), lineItems: folded.lineItems, timeline: folded.timeline },
    deadLetters,
    last.position,
    changedOrderIds,
    target.readBack,
  );
  cache?.remember(folded.changed);
  return { position: last.position, changedOrderIds, deadLetters: deadLetters.length, ...(summaries ? { summaries } : {}) };
}

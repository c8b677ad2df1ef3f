import type { RecordedEvent } from '../../eventstore/eventStore.ts';
import type { KeyedEvent } from '../engine/committedRows.ts';
import type { DeadLetter } from '../engine/deadLetters.ts';
import { RebuildStoppedError } from '../engine/projection.ts';
import { ProjectionDataError, orderIdOfStream } from './guard.ts';
import { projectOrderEvent } from './project.ts';
import type { ProjectedOrder } from './records.ts';
import type { LineItemRecord, TimelineRecord } from './tables.ts';

/** How an event that cannot be applied is treated: kept aside (live) or fatal (rebuild). */
export type FoldPolicy = 'continuous' | 'strict';

export interface FoldOutcome {
  /** The orders this batch changed, in their final state. */
  readonly changed: Map<string, ProjectedOrder>;
  readonly lineItems: LineItemRecord[];
  readonly timeline: TimelineRecord[];
  readonly deadLetters: DeadLetter[];
}

/** The order an event of an order stream changes; undefined for any other stream (the fold dead-letters, or in a rebuild stops on, it). */
function orderIdOf(event: RecordedEvent): string | undefined {
  try {
    return orderIdOfStream(event.streamId);
  } catch {
    return undefined;
  }
}

/** Every event of the batch names an order; these are the ones whose state must be at hand. */
export function orderIdsOf(events: readonly RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of events) {
    const id = orderIdOf(event);
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}

/** The batch's events by the order they change, for `rowsToRead`. */
export const keyedByOrder = (events: readonly RecordedEvent[]): KeyedEvent[] =>
  events.map((event) => ({ key: orderIdOf(event), version: event.streamVersion }));

/**
 * Folds a batch into `state` (order id → projected order; updated in place). In continuous mode
 * an event that cannot be applied becomes a dead letter and its order's version moves past it,
 * so the order's later events still apply; in strict mode it throws {@link RebuildStoppedError}.
 */
export function foldOrderEvents(
  state: Map<string, ProjectedOrder>,
  events: readonly RecordedEvent[],
  policy: FoldPolicy,
): FoldOutcome {
  const outcome: FoldOutcome = { changed: new Map(), lineItems: [], timeline: [], deadLetters: [] };
  // An append's events sit side by side: the stream id checked last time is usually this one's.
  let lastStream: string | undefined;
  let lastOrderId = '';
  for (const event of events) {
    let orderId: string | undefined;
    try {
      if (event.streamId !== lastStream) {
        lastOrderId = orderIdOfStream(event.streamId);
        lastStream = event.streamId;
      }
      orderId = lastOrderId;
      const result = projectOrderEvent(state.get(orderId), event, orderId);
      if (result.kind === 'replayed') continue;
      if (result.kind === 'skipped') {
        if (result.order) keep(state, outcome, orderId, result.order);
        continue;
      }
      keep(state, outcome, orderId, result.order);
      outcome.timeline.push(result.timeline);
      for (const item of result.lineItems) outcome.lineItems.push(item);
    } catch (error) {
      if (policy === 'strict') throw new RebuildStoppedError(event, error);
      outcome.deadLetters.push({ event, error: describe(error) });
      const current = orderId === undefined ? undefined : state.get(orderId);
      if (orderId !== undefined && current && event.streamVersion > current.version) {
        keep(state, outcome, orderId, { ...current, version: event.streamVersion, position: event.position });
      }
    }
  }
  return outcome;
}

function keep(state: Map<string, ProjectedOrder>, outcome: FoldOutcome, orderId: string, order: ProjectedOrder): void {
  state.set(orderId, order);
  outcome.changed.set(orderId, order);
}

const describe = (error: unknown): string =>
  error instanceof ProjectionDataError
    ? error.message
    : error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);

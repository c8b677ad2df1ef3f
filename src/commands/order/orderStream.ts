import type { EventStore, GlobalPosition, RecordedEvent } from '../../eventstore/eventStore.ts';
import { evolve, orderStreamId, type Order, type OrderEvent } from '../../domain/order/index.ts';
import { toOrderEvent } from './eventMapping.ts';

/** An order's stream as read: the fold, and each stored event beside its domain form. */
export interface LoadedOrder {
  readonly orderId: string;
  readonly streamId: string;
  /** Events in the stream (0: no order). */
  readonly version: number;
  readonly state: Order | null;
  readonly recorded: readonly RecordedEvent[];
  readonly events: readonly (OrderEvent | null)[];
}

export async function loadOrder(eventStore: EventStore, orderId: string): Promise<LoadedOrder> {
  const streamId = orderStreamId(orderId);
  const { version, events: recorded } = await eventStore.readStream(streamId);
  const events = recorded.map(toOrderEvent);
  let state: Order | null = null;
  for (const event of events) if (event) state = evolve(state, event);
  return { orderId, streamId, version, state, recorded, events };
}

/** Position of the newest event at or before `version`; undefined for an empty stream. */
export const positionAt = (loaded: LoadedOrder, version: number): GlobalPosition | undefined =>
  loaded.recorded.findLast((event) => event.streamVersion <= version)?.position;

/** The order as it was right after `version`. */
export function stateAt(loaded: LoadedOrder, version: number): Order | null {
  let state: Order | null = null;
  loaded.events.forEach((event, index) => {
    if (event && (loaded.recorded[index]?.streamVersion ?? Infinity) <= version) state = evolve(state, event);
  });
  return state;
}

/** The events a keyed command wrote, with the version right after the last of them. */
export function writtenWithKey(loaded: LoadedOrder, idempotencyKey: string): { events: OrderEvent[]; version: number } {
  const events: OrderEvent[] = [];
  let version = 0;
  loaded.events.forEach((event, index) => {
    if (event?.idempotencyKey !== idempotencyKey) return;
    events.push(event);
    version = Math.max(version, loaded.recorded[index]?.streamVersion ?? 0);
  });
  return { events, version };
}

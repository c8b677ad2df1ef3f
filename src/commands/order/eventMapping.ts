import type { RecordedEvent } from '../../eventstore/eventStore.ts';
import { ORDER_EVENT_TYPES, type OrderEvent, type OrderEventType } from '../../domain/order/index.ts';

const KNOWN = new Set<string>(ORDER_EVENT_TYPES);

/** The domain event back from its row (the type in the row, the rest as data); null for a type this version does not know. */
export function toOrderEvent(recorded: RecordedEvent): OrderEvent | null {
  if (!KNOWN.has(recorded.type)) return null;
  return { ...recorded.data, type: recorded.type as OrderEventType } as unknown as OrderEvent;
}

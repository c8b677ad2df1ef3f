import {
  decide,
  evolve,
  initialState,
  orderStreamId,
  type OrderCommand,
  type OrderEvent,
  type OrderStreamState,
} from '../../domain/order/index.ts';
import type { EventStore } from '../../eventstore/eventStore.ts';
import type { StreamDecider } from '../handleCommand.ts';
import { loadStream, type Loaded } from '../streamFold.ts';
import { toOrderEvent } from './eventMapping.ts';

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * The order decider as the command handler runs it on stream `order-<uuid>`: stored events of a
 * type this version does not know are left out of the fold; every order event carries the
 * idempotency key of the command that caused it, and the order keeps the keys it applied, so a
 * keyed command may decide on a cached fold (the decider itself answers a repeat with no events).
 */
export const orderDecider: StreamDecider<OrderStreamState, OrderCommand, OrderEvent> = {
  decide,
  evolve,
  initialState,
  decode: toOrderEvent,
  keyOf: (event) => event.idempotencyKey,
  appliedKeys: (state) => state?.appliedIdempotencyKeys ?? NO_KEYS,
  describe: (streamId) => `Order ${streamId.slice(orderStreamId('').length)}`,
};

/** The order as its stream says: the fold, its version and newest position, and each stored event. */
export const loadOrder = (eventStore: EventStore, orderId: string): Promise<Loaded<OrderStreamState, OrderEvent>> =>
  loadStream(eventStore, orderStreamId(orderId), orderDecider);

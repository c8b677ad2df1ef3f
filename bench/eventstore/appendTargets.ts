import { randomUUID } from 'node:crypto';
import type { PostgresEventStore as EmmettStore } from '@event-driven-io/emmett-postgresql';
import type { EventStore, NewEvent } from '../../src/eventstore/eventStore.ts';

/** One system under test, seen as "append `count` events to a stream at an exact expected version". */
export interface AppendTarget {
  /** Appends and answers the stream's version after it. */
  append(streamId: string, count: number, expectedVersion: number): Promise<number>;
}

/** About the size of a real order event (a timeline message with its actor and time). */
const payload = (index: number) => ({
  orderId: randomUUID(),
  actor: { type: 'operator', id: randomUUID() },
  at: new Date().toISOString(),
  message: `Line ${index}: screen print checked, colours match the proof, moving on to the dryer`,
});

export function ourAppends(store: EventStore): AppendTarget {
  return {
    async append(streamId, count, expectedVersion) {
      const events: NewEvent[] = Array.from({ length: count }, (_, i) => ({
        id: randomUUID(),
        type: 'MessagePosted',
        data: payload(i),
        metadata: {},
      }));
      return (await store.appendToStream(streamId, events, { expectedVersion })).nextVersion;
    },
  };
}

export function emmettAppends(store: EmmettStore): AppendTarget {
  return {
    async append(streamId, count, expectedVersion) {
      const events = Array.from({ length: count }, (_, i) => ({ type: 'MessagePosted', data: payload(i) }));
      const result = await store.appendToStream(streamId, events, { expectedStreamVersion: BigInt(expectedVersion) });
      return Number(result.nextExpectedStreamVersion);
    },
  };
}

/**
 * Each worker appends round-robin to its own few streams at their exact versions, as command
 * handlers do for the orders they are working on: no conflicts, every append checked.
 */
export function appendWorkload(target: AppendTarget, eventsPerAppend: number, streamsPerWorker = 8) {
  const streams = new Map<number, { ids: string[]; versions: number[]; next: number }>();
  return async (worker: number): Promise<void> => {
    let own = streams.get(worker);
    if (!own) {
      own = {
        ids: Array.from({ length: streamsPerWorker }, () => `bench-${randomUUID()}`),
        versions: new Array<number>(streamsPerWorker).fill(0),
        next: 0,
      };
      streams.set(worker, own);
    }
    const slot = own.next++ % streamsPerWorker;
    own.versions[slot] = await target.append(own.ids[slot]!, eventsPerAppend, own.versions[slot]!);
  };
}

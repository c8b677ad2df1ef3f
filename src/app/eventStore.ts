import type { Config, DatabaseTimeouts } from '../config.ts';
import type { EventStore } from '../eventstore/eventStore.ts';
import { createEventStoreDbEventStore } from '../eventstore/eventstoredb/index.ts';
import { createPostgresEventStore } from '../eventstore/postgres/index.ts';
import { requestPoolConfig } from '../db/timeouts.ts';
import type { Closables } from './closables.ts';

/**
 * The event store EVENT_STORE names: PostgreSQL beside the read model (default), or
 * EventStoreDB/KurrentDB. With `timeouts` (the server) the PostgreSQL store's pool, which serves
 * requests, bounds every wait as the read-model pool does.
 */
export async function openEventStore(
  config: Pick<Config, 'eventStore'>,
  databaseUrl: string,
  closables: Closables,
  timeouts?: DatabaseTimeouts,
): Promise<EventStore> {
  const store: EventStore =
    config.eventStore.kind === 'eventstoredb'
      ? createEventStoreDbEventStore({ connectionString: config.eventStore.connectionString })
      : await createPostgresEventStore({
          connectionString: databaseUrl,
          ...(timeouts ? { poolConfig: requestPoolConfig(timeouts) } : {}),
        });
  closables.add(`event store (${store.kind})`, () => store.close());
  return store;
}

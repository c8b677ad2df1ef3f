import type { Config } from '../config.ts';
import type { EventStore } from '../commands/eventStore.ts';
import { createEventStoreDbEventStore } from '../commands/eventstoredb/index.ts';
import { createPostgresEventStore } from '../commands/postgres/index.ts';
import type { Closables } from './closables.ts';

/** The event store EVENT_STORE names: PostgreSQL beside the read model (default), or EventStoreDB/KurrentDB. */
export async function openEventStore(config: Pick<Config, 'eventStore'>, databaseUrl: string, closables: Closables): Promise<EventStore> {
  const store: EventStore =
    config.eventStore.kind === 'eventstoredb'
      ? createEventStoreDbEventStore({ connectionString: config.eventStore.connectionString })
      : await createPostgresEventStore({ connectionString: databaseUrl });
  closables.add(`event store (${store.kind})`, () => store.close());
  return store;
}


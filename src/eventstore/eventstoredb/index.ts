/** The EventStoreDB / KurrentDB event store (`EVENT_STORE=eventstoredb`). */
export { createEventStoreDbEventStore, type EventStoreDbOptions } from './eventStoreDbEventStore.ts';

export {
  createPostgresEventStore,
  type PostgresEventStoreOptions,
  type PostgresEventStoreTuning,
} from './postgresEventStore.ts';
export { applyEventStoreSchema } from './schema.ts';
export { validateAppend } from './validate.ts';
export { bulkReaderOf, type BulkEventReader, type BulkReadOptions } from './bulkRead.ts';

/**
 * The projection engine: runs projections (see `Projection`) without knowing any one of them:
 * the live projector, the change feed, rebuilds, status, dead letters and checkpoints.
 */
export { startReadModel, type ReadModel, type ReadModelOptions } from './readModel.ts';
export { startProjector, type Projector, type ProjectorOptions } from './projector.ts';
export {
  startChangeFeed,
  type ChangeFeed,
  type ChangeFeedHandle,
  type ChangeFeedOptions,
  type OrderChange,
  type OrderChangeListener,
} from './changeFeed.ts';
export {
  rebuildProjections,
  RebuildBusyError,
  type RebuildOptions,
  type RebuildPhase,
  type RebuildReport,
} from './rebuild.ts';
export { projectionStatus, type ProjectionStatus, type ProjectionStatusOptions } from './status.ts';
export type { CommittedBatch, ProjectorHooks } from './batch.ts';
export type { DeadLetter, DeadLetterRow } from './deadLetters.ts';
export {
  RebuildStoppedError,
  type LiveProjection,
  type LiveWrites,
  type Projection,
  type RebuildProjection,
  type RowSink,
} from './projection.ts';
export { prepareOnce, sqlLiteral } from './batchSql.ts';
export {
  bool,
  defineTable,
  int4,
  int8,
  jsonb,
  text,
  timestamptz,
  uuid,
  type ReadRowOf,
  type RowOf,
  type TableDefinition,
} from './table.ts';

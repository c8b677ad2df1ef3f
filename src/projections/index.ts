/**
 * The read model: projections from the events into PostgreSQL tables, the live change feed,
 * rebuild and status, and the queries the API layers read through. Run `migrate(pool)`
 * (src/db/migrate.ts) before any of it.
 */
export { startReadModel, type ReadModel, type ReadModelOptions } from './runtime/readModel.ts';
export { startProjector, type Projector, type ProjectorOptions } from './runtime/projector.ts';
export { startChangeFeed, type ChangeFeed, type ChangeFeedHandle, type ChangeFeedOptions, type OrderChange, type OrderChangeListener } from './runtime/changeFeed.ts';
export { rebuildProjections, RebuildBusyError, type RebuildOptions, type RebuildPhase, type RebuildReport } from './runtime/rebuild.ts';
export { projectionStatus, type ProjectionStatus, type ProjectionStatusOptions } from './runtime/status.ts';
export { ORDERS_PROJECTION } from './runtime/checkpoints.ts';
export type { CommittedBatch, ProjectorHooks } from './runtime/batch.ts';
export type { DeadLetterRow } from './runtime/deadLetters.ts';
export { RebuildStoppedError } from './orders/fold.ts';
export {
  findOrder,
  findOrderByReference,
  findOrderByTrackingToken,
  findOrderEvents,
  findOrders,
  findOrderSummaries,
  orderSummaryView,
  findGarment,
  isOperator,
  listGarments,
  listOrders,
  countOrders,
  MAX_PAGE_SIZE,
  type ListOrdersOptions,
  type OrderFilter,
  type OrderPage,
  type Queryable,
  type ReadOptions,
} from './orders/queries.ts';
export { createOrderCache, type OrderCache, type OrderCacheOptions, type OrderCacheStats, type OrderReader } from './orders/orderCache.ts';
export type { GarmentView, LineItemView, OrderSummaryView, ProductionOrderView, TimelineEntryView } from './orders/views.ts';

/**
 * The read model: projections from the events into PostgreSQL tables, the live change feed,
 * rebuild and status, and the queries the API layers read through. Run `migrate(pool)`
 * (src/db/migrate.ts) before any of it.
 */
export { startReadModel, type ReadModel, type ReadModelOptions } from './engine/readModel.ts';
export { startProjector, type Projector, type ProjectorOptions } from './engine/projector.ts';
export { startChangeFeed, type ChangeFeed, type ChangeFeedHandle, type ChangeFeedOptions, type OrderChange, type OrderChangeListener } from './engine/changeFeed.ts';
export { rebuildProjections, RebuildBusyError, type RebuildOptions, type RebuildPhase, type RebuildReport } from './engine/rebuild.ts';
export { projectionStatus, type ProjectionStatus, type ProjectionStatusOptions } from './engine/status.ts';
export { ORDERS_PROJECTION } from './engine/checkpoints.ts';
export type { CommittedBatch, ProjectorHooks } from './engine/batch.ts';
export type { DeadLetterRow } from './engine/deadLetters.ts';
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

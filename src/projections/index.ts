/**
 * The read model: projections from the events into PostgreSQL tables, the live change feed,
 * rebuild and status, and the queries the API layers read through. Run `migrate(pool)`
 * (src/db/migrate.ts) before any of it.
 *
 * The engine (`engine/`) runs any list of projections; the read model of this application is
 * {@link READ_MODEL_PROJECTIONS}, which these entry points run unless given another list.
 */
import * as engine from './engine/index.ts';
import type { Projection } from './engine/projection.ts';
import { metricsProjection } from './metrics/projection.ts';
import { ordersProjection } from './orders/projection.ts';
import type { OrderRow } from './orders/tables.ts';

/**
 * The projections the read model is made of, the shop's days counted in `shopTimeZone`
 * (`SHOP_TIME_ZONE`): each writes its own tables, all in one transaction per batch, rebuilt
 * together. The orders projection comes first: the change feed tells its changes.
 */
export const readModelProjections = (shopTimeZone: string): readonly Projection<OrderRow>[] => [
  ordersProjection,
  metricsProjection(shopTimeZone),
];

/** The read model's projections with the shop's days in UTC (the default of `SHOP_TIME_ZONE`); the server and the CLI pass the configured zone. */
export const READ_MODEL_PROJECTIONS: readonly Projection<OrderRow>[] = readModelProjections('UTC');

type WithProjections<O extends { readonly projections: unknown }> = Omit<O, 'projections'> &
  Partial<Pick<O, 'projections'>>;

export type ReadModelOptions = WithProjections<engine.ReadModelOptions<OrderRow>>;
export type ReadModel = engine.ReadModel<OrderRow>;
export type ProjectorOptions = WithProjections<engine.ProjectorOptions<OrderRow>>;
export type ChangeFeedOptions = WithProjections<engine.ChangeFeedOptions>;
export type ChangeFeed = engine.ChangeFeed<OrderRow>;
export type ChangeFeedHandle = engine.ChangeFeedHandle<OrderRow>;
export type OrderChange = engine.OrderChange<OrderRow>;
export type OrderChangeListener = engine.OrderChangeListener<OrderRow>;
export type CommittedBatch = engine.CommittedBatch<OrderRow>;
export type RebuildOptions = WithProjections<engine.RebuildOptions>;
export type ProjectionStatusOptions = WithProjections<engine.ProjectionStatusOptions>;
/** What a rebuild did, and how many orders the new tables hold. */
export type RebuildReport = engine.RebuildReport & { readonly orders: number };

export const startReadModel = (options: ReadModelOptions): Promise<ReadModel> =>
  engine.startReadModel({ projections: READ_MODEL_PROJECTIONS, ...options });
export const startProjector = (options: ProjectorOptions): engine.Projector =>
  engine.startProjector({ projections: READ_MODEL_PROJECTIONS, ...options });
export const startChangeFeed = (options: ChangeFeedOptions): Promise<ChangeFeedHandle> =>
  engine.startChangeFeed<OrderRow>({ projections: READ_MODEL_PROJECTIONS, ...options });
export const projectionStatus = (options: ProjectionStatusOptions): Promise<engine.ProjectionStatus[]> =>
  engine.projectionStatus({ projections: READ_MODEL_PROJECTIONS, ...options });

/** Rebuilds the read model's projections (see the engine's `rebuildProjections`), and counts the orders it switched in. */
export async function rebuildProjections(options: RebuildOptions): Promise<RebuildReport> {
  const report = await engine.rebuildProjections({ projections: READ_MODEL_PROJECTIONS, ...options });
  const { rows } = await options.pool.query<{ n: string }>('select count(*) as n from production_orders');
  return { ...report, orders: Number(rows[0]?.n ?? 0) };
}

export {
  RebuildBusyError,
  RebuildStoppedError,
  type Projector,
  type RebuildPhase,
  type ProjectionStatus,
  type ProjectorHooks,
  type DeadLetterRow,
  type Projection,
} from './engine/index.ts';
export { ORDERS_PROJECTION, ordersProjection } from './orders/projection.ts';
export { METRICS_PROJECTION, metricsProjection } from './metrics/projection.ts';
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
export {
  createOrderCache,
  type OrderCache,
  type OrderCacheOptions,
  type OrderCacheStats,
  type OrderReader,
} from './orders/orderCache.ts';
export type {
  GarmentView,
  LineItemView,
  OrderSummaryView,
  ProductionOrderView,
  TimelineEntryView,
} from './orders/views.ts';
export {
  BOARD_STATES,
  WORK_IN_PROGRESS_STATES,
  readBoardCounts,
  readBoardFacts,
  type BoardCardFacts,
  type BoardFacts,
  type BoardGroupFacts,
  type BoardState,
} from './orders/board.ts';

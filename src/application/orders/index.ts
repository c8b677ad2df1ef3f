/**
 * The order use cases both transports serve (REST `/api/production`, GraphQL's order fields):
 * placing, reading, listing and changing orders, for a signed-in viewer, with the visibility
 * rule (`visibility.ts`) applied here and nowhere in the transports. The transports parse their
 * own shapes, authenticate, and map answers and errors; the rules are here and in the domain.
 */
import type { Viewer } from '../../auth/viewer.ts';
import type { EventStore, GlobalPosition } from '../../eventstore/eventStore.ts';
import type { GarmentCatalog, OrderCommands, SetOrderStatusInput } from '../../commands/order/index.ts';
import type { Priority } from '../../domain/order/index.ts';
import type { CheckoutService } from '../../payments/checkout.ts';
import type { ProductionOrderView } from '../../projections/index.ts';
import { orderAsOf } from './asOf.ts';
import { productionBoard, stageFigures, type ProductionBoardView, type StageFigures } from './board.ts';
import { bulkSetOrderStatus, type BulkInput } from './bulk.ts';
import { changeOrder, commandOptionsOf, runAsViewer, type ChangeOptions } from './change.ts';
import type { PatchProductionOrderBody } from './inputs.ts';
import { placeOrder, type PlacedOrder, type PlaceOrderOptions } from './place.ts';
import { listVisibleOrders, visibleOrderByReference, type OrderListRequest, type VisibleOrderPage } from './reads.ts';
import { visibleOrder, type ReadModelAccess } from './visibleOrder.ts';

export interface OrderApplicationDeps {
  readonly commands: OrderCommands;
  readonly readModel: ReadModelAccess;
  readonly checkout: CheckoutService;
  /** The catalog as the command service sees it (validation of new orders). */
  readonly garments: GarmentCatalog;
  /** For reads as of an instant: the order folded from its own events. */
  readonly eventStore: Pick<EventStore, 'readStream'>;
  readonly clock?: () => Date;
  /** `SHOP_TIME_ZONE`: the board's Ready is the orders fulfilled on the shop's today there. */
  readonly shopTimeZone: string;
  /** Where an unexpected error is reported when it cannot fail the whole request (one bulk item). */
  readonly logError?: (error: unknown, message: string) => void;
}

/** What a change names besides its input: the expected version and the idempotency key (null: not given). */
export interface Given {
  readonly expectedVersion?: number | null;
  readonly idempotencyKey?: string | null;
}

export interface OrderApplication {
  place(viewer: Viewer, input: unknown, options?: PlaceOrderOptions): Promise<PlacedOrder>;
  /** The order, to its owner or an operator (else NOT_FOUND, as a missing one); `atLeast`: once the read model holds that write; `asOf`: as it was then. */
  order(
    viewer: Viewer,
    id: string,
    options?: { readonly atLeast?: GlobalPosition | undefined; readonly asOf?: Date | null },
  ): Promise<ProductionOrderView>;
  orderByReference(viewer: Viewer, reference: string): Promise<ProductionOrderView>;
  list(viewer: Viewer, request: OrderListRequest): Promise<VisibleOrderPage>;
  /** Status, priority and notes at once, all or nothing (the spec's PATCH body). */
  change(
    viewer: Viewer,
    orderId: string,
    change: PatchProductionOrderBody,
    options?: ChangeOptions,
  ): Promise<ProductionOrderView>;
  cancel(
    viewer: Viewer,
    orderId: string,
    input: { readonly reason: string | null },
    given?: Given,
  ): Promise<ProductionOrderView>;
  setStatus(viewer: Viewer, orderId: string, input: SetOrderStatusInput, given?: Given): Promise<ProductionOrderView>;
  setPriority(
    viewer: Viewer,
    orderId: string,
    input: { readonly priority: Priority; readonly reason: string | null },
    given?: Given,
  ): Promise<ProductionOrderView>;
  updateNotes(
    viewer: Viewer,
    orderId: string,
    input: { readonly notes: string },
    given?: Given,
  ): Promise<ProductionOrderView>;
  postMessage(viewer: Viewer, orderId: string, input: { readonly message: string }): Promise<ProductionOrderView>;
  issueTrackingLink(viewer: Viewer, orderId: string): Promise<ProductionOrderView>;
  revokeTrackingLink(viewer: Viewer, orderId: string): Promise<ProductionOrderView>;
  bulkSetStatus(viewer: Viewer, input: BulkInput): ReturnType<typeof bulkSetOrderStatus>;
  /** The production board over every order in production and those ready today (operators only; others FORBIDDEN). */
  board(viewer: Viewer, request: { readonly cardsPerColumn?: number }): Promise<ProductionBoardView>;
  /** Orders, at risk and overdue per work-in-progress stage, for the gauges (no viewer: the process's own read). */
  stageFigures(): Promise<StageFigures[]>;
}

export function createOrderApplication(deps: OrderApplicationDeps): OrderApplication {
  const now = deps.clock ?? (() => new Date());
  const { commands } = deps;
  const { db } = deps.readModel;
  return {
    place: (viewer, input, options) => placeOrder(deps, viewer, input, options),
    order: (viewer, id, options = {}) =>
      options.asOf ? orderAsOf(deps, viewer, id, options.asOf) : visibleOrder(deps, viewer, id, options.atLeast),
    orderByReference: (viewer, reference) => visibleOrderByReference(db, viewer, reference, now()),
    list: (viewer, request) => listVisibleOrders(db, viewer, request, now()),
    change: (viewer, orderId, change, options) => changeOrder(deps, viewer, orderId, change, options),
    cancel: (viewer, orderId, input, given = {}) =>
      runAsViewer(deps, viewer, orderId, commandOptionsOf(viewer, given), (options) =>
        commands.cancelOrder(orderId, input, options),
      ),
    setStatus: (viewer, orderId, input, given = {}) =>
      runAsViewer(deps, viewer, orderId, commandOptionsOf(viewer, given), (options) =>
        commands.setOrderStatus(orderId, input, options),
      ),
    setPriority: (viewer, orderId, input, given = {}) =>
      runAsViewer(deps, viewer, orderId, commandOptionsOf(viewer, given), (options) =>
        commands.setPriority(orderId, input, options),
      ),
    updateNotes: (viewer, orderId, input, given = {}) =>
      runAsViewer(deps, viewer, orderId, commandOptionsOf(viewer, given), (options) =>
        commands.updateNotes(orderId, input, options),
      ),
    postMessage: (viewer, orderId, input) =>
      runAsViewer(deps, viewer, orderId, commandOptionsOf(viewer, {}), (options) =>
        commands.postMessage(orderId, input, options),
      ),
    issueTrackingLink: (viewer, orderId) =>
      runAsViewer(deps, viewer, orderId, commandOptionsOf(viewer, {}), (options) =>
        commands.issueTrackingLink(orderId, options),
      ),
    revokeTrackingLink: (viewer, orderId) =>
      runAsViewer(deps, viewer, orderId, commandOptionsOf(viewer, {}), (options) =>
        commands.revokeTrackingLink(orderId, options),
      ),
    bulkSetStatus: (viewer, input) => bulkSetOrderStatus(deps, viewer, input),
    board: (viewer, request) => productionBoard(db, viewer, request, now(), deps.shopTimeZone),
    stageFigures: () => stageFigures(db, now()),
  };
}

export { DEFAULT_PAGE_SIZE, type OrderListRequest, type VisibleOrderPage } from './reads.ts';
export type { PlacedOrder, PlaceOrderOptions } from './place.ts';
export { DEFAULT_HOLD_REASON, type ChangeOptions } from './change.ts';
export { MAX_BULK_ITEMS, type BulkInput } from './bulk.ts';
export {
  DEFAULT_BOARD_CARDS,
  MAX_BOARD_CARDS,
  type BoardCardView,
  type BoardLane,
  type ProductionBoardView,
  type StageFigures,
} from './board.ts';
export { visibleOrder, type OrderReadDeps, type ReadModelAccess } from './visibleOrder.ts';
export { actorOf, audienceOf, isCustomerOwner, isViewable } from './visibility.ts';

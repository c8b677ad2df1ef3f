import type { Viewer } from '../../auth/viewer.ts';
import type { GlobalPosition } from '../../eventstore/eventStore.ts';
import type { OrderCommands } from '../../commands/order/index.ts';
import { AppError } from '../../domain/errors.ts';
import {
  findOrder,
  type ChangeFeed,
  type OrderReader,
  type ProductionOrderView,
  type Queryable,
} from '../../projections/index.ts';
import { isViewable, scopeOf } from './visibility.ts';

export interface ReadModelAccess {
  readonly db: Queryable;
  readonly changeFeed: Pick<ChangeFeed, 'waitForPosition'>;
  /** The order cache (src/projections/orders/orderCache.ts); without it every read goes to `db`. */
  readonly orders?: OrderReader;
}

export interface OrderReadDeps {
  readonly readModel: ReadModelAccess;
  readonly commands: Pick<OrderCommands, 'load'>;
}

/** How long a read waits for the projector to catch up with a write it must show. */
const CATCH_UP_MS = 5000;

/**
 * The order as the read model shows it, to its owner or an operator; anyone else gets NOT_FOUND,
 * the same as for a missing order. `atLeast`: wait until the read model holds that write first
 * (read-your-writes). An order the events know but the projector has not reached yet (a GET
 * right after the POST) is waited for too, rather than answered 404.
 */
export async function visibleOrder(
  deps: OrderReadDeps,
  viewer: Viewer,
  orderId: string,
  atLeast?: GlobalPosition,
): Promise<ProductionOrderView> {
  const scope = scopeOf(viewer);
  const { orders, db } = deps.readModel;
  if (atLeast) await deps.readModel.changeFeed.waitForPosition(atLeast, { timeoutMs: CATCH_UP_MS });
  // Through the order cache, also after a wait: the feed drops every order of a commit from it
  // before it wakes that commit's waiters.
  const view = await (orders ? orders.find(orderId, scope) : findOrder(db, orderId, scope));
  if (view) return view;
  const loaded = await deps.commands.load(orderId);
  const maySee = loaded.state !== null && isViewable(viewer, loaded.state.ownerId);
  if (
    maySee &&
    loaded.position &&
    (await deps.readModel.changeFeed.waitForPosition(loaded.position, { timeoutMs: CATCH_UP_MS }))
  ) {
    const caughtUp = await findOrder(db, orderId, scope);
    if (caughtUp) return caughtUp;
  }
  throw new AppError('NOT_FOUND', `Order ${orderId} not found`, { orderId });
}

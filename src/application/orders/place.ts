import type { Viewer } from '../../auth/viewer.ts';
import type { GlobalPosition } from '../../eventstore/eventStore.ts';
import type { GarmentCatalog, OrderCommands } from '../../commands/order/index.ts';
import type { CheckoutService } from '../../payments/checkout.ts';
import { checkSameOrder, validateCreateBody } from './validation.ts';
import type { ReadModelAccess } from './visibleOrder.ts';
import { actorOf } from './visibility.ts';

export interface PlaceOrderDeps {
  readonly commands: Pick<OrderCommands, 'createOrder'>;
  readonly garments: GarmentCatalog;
  readonly checkout: CheckoutService;
  readonly readModel: Pick<ReadModelAccess, 'changeFeed'>;
}

export interface PlaceOrderOptions {
  /** Repeat a placement safely: the same key answers as the first time and writes nothing. */
  readonly idempotencyKey?: string;
  /** Place it on hold at once, with this reason (GraphQL's `holdReason`). */
  readonly holdReason?: string;
}

export interface PlacedOrder {
  readonly orderId: string;
  readonly reference: string;
  /** Where the customer pays (Stripe Checkout, or the simulated page). */
  readonly checkoutUrl: string;
  /** The key was used before: this is the first placement's answer. */
  readonly replayed: boolean;
  /** Where the order's newest event is: the read model holds it when `placeOrder` resolves. */
  readonly position: GlobalPosition | undefined;
}

/** A read right after the answer must find the order; the answer waits (bounded) for the projector. */
const READ_YOUR_WRITES_MS = 5000;

/**
 * Places a draft order: `input` (the create input, `createProductionOrderBody`) validated in
 * full (one BAD_USER_INPUT listing every problem, nothing written), priced from the catalog,
 * its Checkout session opened; resolves once the read model shows it. A repeated idempotency
 * key must carry the same order (else BAD_USER_INPUT) and answers as the first time.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  viewer: Viewer,
  input: unknown,
  options: PlaceOrderOptions = {},
): Promise<PlacedOrder> {
  const actor = actorOf(viewer);
  const valid = await validateCreateBody(input, deps.garments, actor);
  const created = await deps.commands.createOrder(
    // The body's fields are the command's own (inputs.ts holds that at compile time): it goes whole.
    { ...valid, garmentId: valid.garmentId.trim(), ...(options.holdReason ? { holdReason: options.holdReason } : {}) },
    { actor, ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }) },
  );
  if (created.replayed) checkSameOrder(valid, created.state);
  const { checkoutUrl, position } = await deps.checkout.open(created.orderId);
  const shown = position ?? created.position;
  if (shown) await deps.readModel.changeFeed.waitForPosition(shown, { timeoutMs: READ_YOUR_WRITES_MS });
  return {
    orderId: created.orderId,
    reference: created.state.reference,
    checkoutUrl,
    replayed: created.replayed,
    position: shown,
  };
}

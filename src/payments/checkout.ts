import type { GlobalPosition } from '../eventstore/eventStore.ts';
import type { OrderCommands } from '../commands/order/index.ts';
import { AppError, isAppError } from '../domain/errors.ts';
import type { Actor } from '../domain/order/index.ts';
import type { OpenedCheckout, PaymentGateway } from './gateway.ts';
import { checkoutOrderOf } from './orderFacts.ts';

/** Checkout sessions are opened by the system on the customer's behalf (the transitions table allows it). */
export const CHECKOUT_ACTOR: Actor = { type: 'system', id: 'checkout' };

export interface OpenCheckout extends OpenedCheckout {
  /** Where the order's newest event is once the session is recorded (for read-your-writes). */
  readonly position: GlobalPosition | undefined;
}

export interface CheckoutService {
  /**
   * The order's Checkout session: the one already recorded, or a new one opened with the gateway
   * and recorded on the order (`CheckoutSessionOpened`). Safe to repeat and to race: the decider
   * records one session per order, and every caller answers with the recorded one.
   */
  open(orderId: string): Promise<OpenCheckout>;
}

export function createCheckoutService(deps: {
  readonly commands: Pick<OrderCommands, 'load' | 'openCheckoutSession'>;
  readonly gateway: PaymentGateway;
}): CheckoutService {
  return {
    async open(orderId) {
      const { state, position } = await deps.commands.load(orderId);
      if (!state) throw new AppError('NOT_FOUND', `Order ${orderId} not found`, { orderId });
      if (state.checkout) return { ...state.checkout, position };
      if (state.orderStatus !== 'draft') {
        throw new AppError('ILLEGAL_TRANSITION', `Cannot open a checkout session: the order is ${state.orderStatus}`, {
          orderId,
          orderStatus: state.orderStatus,
        });
      }
      const opened = await deps.gateway.openCheckout(checkoutOrderOf(state));
      try {
        const recorded = await deps.commands.openCheckoutSession(orderId, opened, { actor: CHECKOUT_ACTOR });
        return { ...(recorded.state.checkout ?? opened), position: recorded.position };
      } catch (error) {
        // A racing request recorded its session first. With Stripe it is this very session (same
        // idempotency key); a simulated one is random, so the decider refuses the second: either
        // way the order's recorded session is the answer, and the unrecorded one pays nothing.
        if (!isAppError(error) || error.code !== 'ILLEGAL_TRANSITION') throw error;
        const current = await deps.commands.load(orderId);
        if (!current.state?.checkout) throw error;
        return { ...current.state.checkout, position: current.position };
      }
    },
  };
}

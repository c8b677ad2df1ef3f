import { randomUUID } from 'node:crypto';
import type { CreateOrderInput, OrderCommandResult, OrderCommands } from '../../src/commands/order/index.ts';
import type { Actor } from '../../src/domain/order/index.ts';
import { CHECKOUT_ACTOR } from '../../src/payments/checkout.ts';

/** Stripe as the payment commands' actor (the webhook names the event instead; tests need not). */
export const STRIPE_ACTOR: Actor = { type: 'stripe', id: 'stripe' };

type PaymentInput = Parameters<OrderCommands['confirmPayment']>[1];

/** What a test may fix about the payment; the rest is fresh for each order. */
export interface PaymentOptions extends Partial<Pick<PaymentInput, 'sessionId' | 'paymentIntentId' | 'stripeEventId'>> {
  /** Runs between the checkout session and the payment (a test's clock moving to the payment's instant). */
  readonly beforePayment?: () => void;
}

export interface PaidOrderOptions extends PaymentOptions {
  /** Who places the order; a new customer when not given. */
  readonly owner?: Actor;
}

export interface Payment {
  readonly sessionId: string;
  readonly paymentIntentId: string | null;
  /** What `confirmPayment` answered. */
  readonly paid: OrderCommandResult;
}

export interface PaidOrder extends Payment {
  readonly orderId: string;
  readonly owner: Actor;
  /** What `createOrder` answered. */
  readonly created: OrderCommandResult;
}

/**
 * Pays an order as a simulated Checkout would: opens its session (as the system) and confirms a
 * payment of `amountCents` on it (as Stripe), through the command service.
 */
export async function payOrder(
  commands: OrderCommands,
  orderId: string,
  amountCents: number,
  options: PaymentOptions = {},
): Promise<Payment> {
  const sessionId = options.sessionId ?? `cs_${randomUUID().slice(0, 8)}`;
  const paymentIntentId =
    options.paymentIntentId === undefined ? `pi_${randomUUID().slice(0, 8)}` : options.paymentIntentId;
  await commands.openCheckoutSession(
    orderId,
    { sessionId, checkoutUrl: `https://checkout.example.com/${sessionId}`, simulated: true },
    { actor: CHECKOUT_ACTOR },
  );
  options.beforePayment?.();
  const paid = await commands.confirmPayment(
    orderId,
    {
      sessionId,
      paymentIntentId,
      amountCents,
      currency: 'usd',
      stripeEventId: options.stripeEventId ?? `evt_${randomUUID()}`,
    },
    { actor: STRIPE_ACTOR },
  );
  return { sessionId, paymentIntentId, paid };
}

/** Places `input` as a customer's order and pays its total in full: a `submitted` order. */
export async function placePaidOrder(
  commands: OrderCommands,
  input: CreateOrderInput,
  options: PaidOrderOptions = {},
): Promise<PaidOrder> {
  const owner = options.owner ?? { type: 'customer', id: randomUUID() };
  const created = await commands.createOrder(input, { actor: owner });
  const payment = await payOrder(commands, created.orderId, created.state.totalCents, options);
  return { orderId: created.orderId, owner, created, ...payment };
}

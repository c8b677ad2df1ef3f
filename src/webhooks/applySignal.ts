import { isAppError, type ErrorCode } from '../domain/errors.ts';
import type { OrderCommand } from '../domain/order/commands.ts';
import type { Actor, OrderEvent } from '../domain/order/events.ts';
import type { StripeSignal } from './stripeSignal.ts';

/** What the webhook needs of the order command service: run one command, report the events written. */
export type ExecuteOrderCommand = (command: OrderCommand) => Promise<{ readonly events: readonly OrderEvent[] }>;

export interface ApplyDeps {
  readonly execute: ExecuteOrderCommand;
  /** The order a payment intent paid for (read model), for charges that carry no metadata. */
  readonly orderIdForPaymentIntent: (paymentIntentId: string) => Promise<string | undefined>;
}

export interface Applied {
  readonly outcome: 'applied' | 'ignored';
  readonly reason: string;
  readonly orderId: string | null;
  readonly orderEvents: readonly string[];
}

/**
 * Refusals that mean "this event no longer applies" (out of order, unknown order, a rule says no):
 * recorded as ignored with the refusal as the reason, answered 200 so Stripe stops retrying.
 * Anything else (a database down, a conflict that kept losing) is thrown: the delivery is not
 * recorded and Stripe retries it later.
 */
const NO_LONGER_APPLIES: ReadonlySet<ErrorCode> = new Set([
  'NOT_FOUND',
  'ILLEGAL_TRANSITION',
  'ORDER_ON_HOLD',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'PAYMENT_REQUIRED',
]);

const ignored = (reason: string, orderId: string | null = null): Applied => ({
  outcome: 'ignored',
  reason,
  orderId,
  orderEvents: [],
});

export async function applySignal(
  deps: ApplyDeps,
  signal: StripeSignal,
  stripeEventId: string,
  now: Date,
): Promise<Applied> {
  if (signal.kind === 'ignored') return ignored(signal.reason);
  const actor: Actor = { type: 'stripe', id: stripeEventId };
  const base = { actor, now, stripeEventId };
  let command: OrderCommand;
  switch (signal.kind) {
    case 'session_completed':
      if (!signal.paid)
        return ignored(
          'payment_status is unpaid: waiting for checkout.session.async_payment_succeeded or _failed',
          signal.orderId,
        );
      command = {
        ...base,
        type: 'ConfirmPayment',
        orderId: signal.orderId,
        sessionId: signal.sessionId,
        paymentIntentId: signal.paymentIntentId,
        // A paid session without an amount cannot match the total: it is flagged, never submitted.
        amountCents: signal.amountCents ?? 0,
        currency: signal.currency ?? '',
      };
      break;
    case 'payment_failed':
      command = {
        ...base,
        type: 'FailPayment',
        orderId: signal.orderId,
        sessionId: signal.sessionId,
        reason: 'The asynchronous payment failed',
      };
      break;
    case 'session_expired':
      command = {
        type: 'CancelOrder',
        actor,
        now,
        orderId: signal.orderId,
        sessionId: signal.sessionId,
        reason: `Checkout session ${signal.sessionId} expired unpaid`,
      };
      break;
    case 'charge_refunded': {
      const orderId = await orderOf(deps, signal);
      if (!orderId)
        return ignored(
          `no order is known for charge ${signal.chargeId} (payment intent ${signal.paymentIntentId ?? 'none'})`,
        );
      const { chargeId, paymentIntentId, amountRefundedCents, currency } = signal;
      command = { ...base, type: 'RecordRefund', orderId, chargeId, paymentIntentId, amountRefundedCents, currency };
      break;
    }
    case 'refund_failed': {
      const orderId = await orderOf(deps, signal);
      if (!orderId)
        return ignored(
          `no order is known for refund ${signal.refundId} (payment intent ${signal.paymentIntentId ?? 'none'})`,
        );
      const { refundId, paymentIntentId, amountCents, currency, reason } = signal;
      command = {
        ...base,
        type: 'RecordRefundFailure',
        orderId,
        refundId,
        paymentIntentId,
        amountCents,
        currency,
        reason,
      };
      break;
    }
    case 'dispute': {
      const orderId = await orderOf(deps, signal);
      if (!orderId)
        return ignored(
          `no order is known for dispute ${signal.disputeId} (payment intent ${signal.paymentIntentId ?? 'none'})`,
        );
      const { phase, disputeId, paymentIntentId, amountCents, currency, reason, status, evidenceDueBy } = signal;
      command = {
        ...base,
        type: 'RecordDispute',
        orderId,
        phase,
        disputeId,
        paymentIntentId,
        amountCents,
        currency,
        reason,
        status,
        evidenceDueBy,
      };
      break;
    }
    default: {
      const _exhaustive: never = signal;
      throw new Error(`Unknown Stripe signal ${JSON.stringify(_exhaustive)}`);
    }
  }
  return run(deps, command);
}

/**
 * The order a refund or dispute is about: our metadata when it carries it, else the order the
 * payment intent paid for. Either way the decider then checks the payment intent is the order's.
 */
const orderOf = async (
  deps: ApplyDeps,
  signal: { readonly orderId: string | null; readonly paymentIntentId: string | null },
): Promise<string | undefined> =>
  signal.orderId ?? (signal.paymentIntentId ? await deps.orderIdForPaymentIntent(signal.paymentIntentId) : undefined);

/** Why an applied event mattered, for the inbox record: the flags first, they are what operators read. */
function appliedReason(types: readonly string[]): string {
  if (types.includes('PaymentMismatchFlagged'))
    return 'paid amount or currency differs from the order total: flagged for operators';
  if (types.includes('RefundExcessFlagged')) {
    const recorded = types.includes('RefundRecorded') ? 'RefundRecorded up to the amount paid; ' : '';
    return `${recorded}refunded total above the amount paid: the excess is flagged for operators, not recorded`;
  }
  return types.join(', ');
}

async function run(deps: ApplyDeps, command: OrderCommand): Promise<Applied> {
  try {
    const { events } = await deps.execute(command);
    if (events.length === 0) return ignored('already applied: the order has nothing to change', command.orderId);
    const types = events.map((event) => event.type);
    return { outcome: 'applied', reason: appliedReason(types), orderId: command.orderId, orderEvents: types };
  } catch (error) {
    if (isAppError(error) && NO_LONGER_APPLIES.has(error.code))
      return ignored(`${error.code}: ${error.message}`, command.orderId);
    throw error;
  }
}

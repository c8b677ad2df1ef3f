/** The payment side: the checkout the order opens and what Stripe reports, each deduplicated by Stripe event id. */
import { AppError } from '../errors.ts';
import type { ConfirmPayment, FailPayment, OpenCheckoutSession, RecordRefund } from './commands.ts';
import { eventBase } from './decideCreate.ts';
import type { OrderEvent } from './events.ts';
import type { Order } from './state.ts';
import { actorRefusal, fail, stateRefusal } from './transitions.ts';
import { FieldProblems, LIMITS } from './validation.ts';

export const wasApplied = (order: Order, stripeEventId: string | null): boolean =>
  stripeEventId !== null && order.appliedStripeEventIds.has(stripeEventId);

/**
 * A session other than the one opened for the order is not this order's payment, whatever its
 * metadata says: nothing about money changes. An order with no session recorded (its opening
 * failed after Stripe created one) takes the session that names it: that money was asked for it.
 */
export function checkOwnSession(order: Order, sessionId: string): void {
  const recorded = order.checkout?.sessionId;
  if (recorded === undefined || recorded === sessionId) return;
  throw new AppError(
    'ILLEGAL_TRANSITION',
    `Checkout session ${sessionId} is not this order's (it opened ${recorded}): nothing recorded`,
    { sessionId, expectedSessionId: recorded },
  );
}

/** Refunds and disputes must name the payment intent that paid the order; anything else is another payment's. */
export function checkOwnPaymentIntent(order: Order, paymentIntentId: string | null, what: string): void {
  const paidWith = order.payment?.paymentIntentId ?? null;
  if (paidWith !== null && paymentIntentId === paidWith) return;
  const message =
    paidWith === null
      ? 'the order was paid without a payment intent to match'
      : `it is not the payment intent that paid this order (${paidWith})`;
  throw new AppError(
    'ILLEGAL_TRANSITION',
    `${what} of payment intent ${paymentIntentId ?? '(none)'} does not apply: ${message}; nothing recorded`,
    { paymentIntentId, expectedPaymentIntentId: paidWith },
  );
}

function checkStripeIds(problems: FieldProblems, sessionId: string | undefined, stripeEventId: string | null): void {
  if (sessionId !== undefined) problems.requiredText('sessionId', sessionId, LIMITS.shortText);
  problems.optionalText('stripeEventId', stripeEventId, LIMITS.shortText);
}

export function openCheckout(command: OpenCheckoutSession, order: Order): OrderEvent[] {
  fail(actorRefusal('openCheckout', order, command.actor));
  const problems = new FieldProblems();
  problems.requiredText('sessionId', command.sessionId, LIMITS.shortText);
  problems.requiredUrl('checkoutUrl', command.checkoutUrl);
  problems.throwIfAny('checkout session');
  if (order.checkout?.sessionId === command.sessionId) return []; // a retried open: already done
  fail(stateRefusal('openCheckout', order, command.actor));
  if (order.checkout !== null) {
    throw new AppError('ILLEGAL_TRANSITION', `The order already has checkout session ${order.checkout.sessionId}`, {
      sessionId: order.checkout.sessionId,
    });
  }
  const { sessionId, checkoutUrl, simulated } = command;
  return [{ type: 'CheckoutSessionOpened', ...eventBase(command), sessionId, checkoutUrl, simulated }];
}

/**
 * A paid checkout. Already paid (any Stripe event, any state): nothing new. Not payable any more
 * (canceled unpaid): ILLEGAL_TRANSITION, which the webhook records as ignored and answers 200.
 * Wrong amount or currency (also a missing one: Stripe said paid, so money may have moved):
 * flagged for operators, the order stays draft.
 */
export function confirmPayment(command: ConfirmPayment, order: Order): OrderEvent[] {
  fail(actorRefusal('confirmPayment', order, command.actor));
  const problems = new FieldProblems();
  checkStripeIds(problems, command.sessionId, command.stripeEventId);
  if (!Number.isSafeInteger(command.amountCents) || command.amountCents < 0)
    problems.add('amountCents', 'must be a whole number of cents, 0 or more');
  if (typeof command.currency !== 'string') problems.add('currency', 'must be text');
  else problems.optionalText('currency', command.currency, 10);
  problems.throwIfAny('payment');
  if (wasApplied(order, command.stripeEventId)) return [];
  checkOwnSession(order, command.sessionId);
  if (order.payment !== null) return [];
  fail(stateRefusal('confirmPayment', order, command.actor));
  const { sessionId, amountCents, stripeEventId } = command;
  const currency = command.currency.toLowerCase();
  if (amountCents !== order.totalCents || currency !== order.currency) {
    const expected = { expectedAmountCents: order.totalCents, expectedCurrency: order.currency };
    return [
      {
        type: 'PaymentMismatchFlagged',
        ...eventBase(command),
        sessionId,
        amountCents,
        currency,
        ...expected,
        stripeEventId,
      },
    ];
  }
  return [
    {
      type: 'PaymentConfirmed',
      ...eventBase(command),
      sessionId,
      paymentIntentId: command.paymentIntentId,
      amountCents,
      currency,
      stripeEventId,
    },
  ];
}

export function failPayment(command: FailPayment, order: Order): OrderEvent[] {
  fail(actorRefusal('failPayment', order, command.actor));
  const problems = new FieldProblems();
  checkStripeIds(problems, command.sessionId, command.stripeEventId);
  problems.requiredText('reason', command.reason, LIMITS.reason);
  problems.throwIfAny('payment failure');
  if (wasApplied(order, command.stripeEventId)) return [];
  checkOwnSession(order, command.sessionId);
  fail(stateRefusal('failPayment', order, command.actor));
  return [
    {
      type: 'PaymentFailed',
      ...eventBase(command),
      sessionId: command.sessionId,
      reason: command.reason.trim(),
      stripeEventId: command.stripeEventId,
    },
  ];
}

export function recordRefund(command: RecordRefund, order: Order): OrderEvent[] {
  fail(actorRefusal('recordRefund', order, command.actor));
  const problems = new FieldProblems();
  checkStripeIds(problems, undefined, command.stripeEventId);
  problems.requiredText('chargeId', command.chargeId, LIMITS.shortText);
  if (!Number.isSafeInteger(command.amountRefundedCents) || command.amountRefundedCents <= 0)
    problems.add('amountRefundedCents', 'must be a whole number of cents above 0');
  problems.requiredText('currency', command.currency, 10);
  problems.throwIfAny('refund');
  if (wasApplied(order, command.stripeEventId)) return [];
  fail(stateRefusal('recordRefund', order, command.actor));
  checkOwnPaymentIntent(order, command.paymentIntentId, `Refund on charge ${command.chargeId}`);
  const { chargeId, stripeEventId } = command;
  const currency = command.currency.toLowerCase();
  const paidCents = order.payment?.amountCents ?? 0;
  // Money returned is never more than was paid: the rest of an oversized total is flagged instead.
  const returned = Math.min(command.amountRefundedCents, paidCents);
  const events: OrderEvent[] = [];
  // Stripe reports the charge's running total; an older, smaller total arriving late adds nothing.
  if (returned > order.refundedCents)
    events.push({
      type: 'RefundRecorded',
      ...eventBase(command),
      chargeId,
      amountRefundedCents: returned,
      currency,
      stripeEventId,
    });
  if (command.amountRefundedCents > paidCents && !order.refundExcess) {
    events.push({
      type: 'RefundExcessFlagged',
      ...eventBase(command),
      chargeId,
      reportedRefundedCents: command.amountRefundedCents,
      paidCents,
      currency,
      stripeEventId,
    });
  }
  return events;
}

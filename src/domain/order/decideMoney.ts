/** What Stripe reports after the money moved: failed refunds and disputes, each once. */
import type { RecordDispute, RecordRefundFailure } from './commands.ts';
import { eventBase } from './decideCreate.ts';
import { checkOwnPaymentIntent, wasApplied } from './decideStripe.ts';
import type { OrderEvent } from './events.ts';
import type { Order } from './state.ts';
import { actorRefusal, fail, stateRefusal } from './transitions.ts';
import { FieldProblems, LIMITS } from './validation.ts';

function checkAmount(problems: FieldProblems, amountCents: number, currency: string): void {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0)
    problems.add('amountCents', 'must be a whole number of cents, 0 or more');
  problems.requiredText('currency', currency, 10);
}

/** A failed refund returned no money: the recorded total goes down by it, and operators see it. Once per refund. */
export function recordRefundFailure(command: RecordRefundFailure, order: Order): OrderEvent[] {
  fail(actorRefusal('recordRefundFailure', order, command.actor));
  const problems = new FieldProblems();
  problems.requiredText('refundId', command.refundId, LIMITS.shortText);
  checkAmount(problems, command.amountCents, command.currency);
  problems.optionalText('reason', command.reason, LIMITS.reason);
  problems.optionalText('stripeEventId', command.stripeEventId, LIMITS.shortText);
  problems.throwIfAny('refund failure');
  // Stripe tells one failure twice (`refund.updated` to failed, then `refund.failed`).
  if (wasApplied(order, command.stripeEventId) || order.failedRefundIds.has(command.refundId)) return [];
  fail(stateRefusal('recordRefundFailure', order, command.actor));
  checkOwnPaymentIntent(order, command.paymentIntentId, `Refund ${command.refundId}`);
  const { refundId, amountCents, stripeEventId } = command;
  const reason = command.reason?.trim() || null;
  return [
    {
      type: 'RefundFailed',
      ...eventBase(command),
      refundId,
      amountCents,
      currency: command.currency.toLowerCase(),
      reason,
      stripeEventId,
    },
  ];
}

/**
 * A dispute opened (once per dispute), moved on (once per change of status or deadline, while it
 * is open) or closed (once per final status). A close or an update whose opening never arrived is
 * recorded all the same (an update as the opening): what Stripe says now is what operators need.
 */
export function recordDispute(command: RecordDispute, order: Order): OrderEvent[] {
  fail(actorRefusal('recordDispute', order, command.actor));
  const problems = new FieldProblems();
  problems.requiredText('disputeId', command.disputeId, LIMITS.shortText);
  problems.requiredText('status', command.status, LIMITS.shortText);
  checkAmount(problems, command.amountCents, command.currency);
  problems.optionalText('reason', command.reason, LIMITS.shortText);
  problems.optionalText('stripeEventId', command.stripeEventId, LIMITS.shortText);
  if (
    command.evidenceDueBy !== null &&
    !(command.evidenceDueBy instanceof Date && Number.isFinite(command.evidenceDueBy.getTime()))
  ) {
    problems.add('evidenceDueBy', 'must be a valid instant');
  }
  problems.throwIfAny('dispute');
  if (wasApplied(order, command.stripeEventId)) return [];
  const known = order.dispute?.disputeId === command.disputeId ? order.dispute : null;
  const evidenceDueBy = command.evidenceDueBy?.toISOString() ?? null;
  if (command.phase === 'opened' && known !== null) return [];
  if (command.phase === 'closed' && known !== null && !known.open && known.status === command.status) return [];
  // An update after the close (Stripe may send one late), or one that changes nothing: nothing new.
  if (
    command.phase === 'updated' &&
    known !== null &&
    (!known.open || (known.status === command.status && known.evidenceDueBy === evidenceDueBy))
  )
    return [];
  fail(stateRefusal('recordDispute', order, command.actor));
  checkOwnPaymentIntent(order, command.paymentIntentId, `Dispute ${command.disputeId}`);
  const { disputeId, status, stripeEventId } = command;
  if (command.phase === 'closed')
    return [{ type: 'DisputeClosed', ...eventBase(command), disputeId, status, stripeEventId }];
  if (command.phase === 'updated' && known !== null)
    return [{ type: 'DisputeUpdated', ...eventBase(command), disputeId, status, evidenceDueBy, stripeEventId }];
  const currency = command.currency.toLowerCase();
  return [
    {
      type: 'DisputeOpened',
      ...eventBase(command),
      disputeId,
      amountCents: command.amountCents,
      currency,
      reason: command.reason,
      status,
      evidenceDueBy,
      stripeEventId,
    },
  ];
}

import type { OrderCommand } from './commands.ts';
import { decideCreate, eventBase } from './decideCreate.ts';
import { cancel, decidePriority, decideStatus } from './decideOperator.ts';
import { recordDispute, recordRefundFailure } from './decideMoney.ts';
import { confirmPayment, failPayment, openCheckout, recordRefund } from './decideStripe.ts';
import { issueTrackingLink, revokeTrackingLink } from './decideTracking.ts';
import type { Actor, OrderEvent } from './events.ts';
import type { Order, OrderStreamState } from './state.ts';
import { fail, notFound, refusalOf } from './transitions.ts';
import { FieldProblems, LIMITS } from './validation.ts';

/** Notes (may be emptied) or a message (must say something), by an actor the table allows. */
function text(action: 'updateNotes' | 'postMessage', value: unknown, order: Order, actor: Actor): string {
  fail(refusalOf(action, order, actor));
  const problems = new FieldProblems();
  if (action === 'updateNotes') {
    if (typeof value !== 'string') problems.add('notes', 'must be text');
    else problems.optionalText('notes', value, LIMITS.notes);
  } else problems.requiredText('message', value, LIMITS.message);
  problems.throwIfAny(action === 'updateNotes' ? 'notes' : 'message');
  return String(value).trim();
}

/**
 * The order decider: the events a command causes, or the AppError that refuses it. Pure: the
 * same command on the same state always gives the same answer, so a retry after a version
 * conflict is safe. A command already done (a repeated idempotency key, Stripe event, checkout
 * session or payment) gives no events.
 */
export function decide(command: OrderCommand, state: OrderStreamState): OrderEvent[] {
  if (command.type === 'CreateOrder') return decideCreate(command, state);
  if (state === null) throw notFound(command.orderId);
  // Before the key check, so a repeated key never shows a stranger someone else's order.
  if (command.actor.type === 'customer' && command.actor.id !== state.ownerId) throw notFound(state.id);
  if (command.idempotencyKey !== undefined && state.appliedIdempotencyKeys.has(command.idempotencyKey)) return [];
  switch (command.type) {
    case 'OpenCheckoutSession':
      return openCheckout(command, state);
    case 'ConfirmPayment':
      return confirmPayment(command, state);
    case 'FailPayment':
      return failPayment(command, state);
    case 'SetOrderStatus':
      return decideStatus(command, state);
    case 'CancelOrder':
      return cancel(command, state);
    case 'SetPriority':
      return decidePriority(command, state);
    case 'UpdateNotes': {
      const notes = text('updateNotes', command.notes, state, command.actor);
      return notes === (state.notes ?? '') ? [] : [{ type: 'NotesUpdated', ...eventBase(command), notes }];
    }
    case 'PostMessage': {
      const message = text('postMessage', command.message, state, command.actor);
      return [{ type: 'MessagePosted', ...eventBase(command), message }];
    }
    case 'RecordRefund':
      return recordRefund(command, state);
    case 'RecordRefundFailure':
      return recordRefundFailure(command, state);
    case 'RecordDispute':
      return recordDispute(command, state);
    case 'IssueTrackingLink':
      return issueTrackingLink(command, state);
    case 'RevokeTrackingLink':
      return revokeTrackingLink(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown order command ${JSON.stringify(_exhaustive)}`);
    }
  }
}

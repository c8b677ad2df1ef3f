import { AppError } from '../errors.ts';
import {
  SHIPMENT_FIELD_NAMES,
  SHIPMENT_FIELDS,
  type CancelOrder,
  type SetOrderStatus,
  type SetPriority,
  type Shipment,
} from './commands.ts';
import { eventBase } from './decideCreate.ts';
import { checkOwnSession } from './decideStripe.ts';
import type { OrderEvent, OrderState } from './events.ts';
import { ORDER_STATES } from './labels.ts';
import type { Order } from './state.ts';
import { actorRefusal, fail, notFound, refusalOf } from './transitions.ts';
import { cleanText, FieldProblems, isPriority, LIMITS } from './validation.ts';

/** The production steps an operator names by their target status. */
const STEP_ACTIONS = { approved: 'approve', in_production: 'startProduction', fulfilled: 'fulfill' } as const;

const isOrderState = (value: unknown): value is OrderState => ORDER_STATES.includes(value as OrderState);

/**
 * An operator sets the status (GraphQL `setOrderStatus`, REST `PATCH`, bulk). Each target maps
 * to the table's action; `submitted` and `draft` are never reachable this way.
 */
export function decideStatus(command: SetOrderStatus, order: Order): OrderEvent[] {
  const { actor, to } = command;
  if (actor.type === 'customer' && actor.id !== order.ownerId) throw notFound(order.id);
  // A production step answers in the table's own words, as `allowedActions` shows them.
  if (to === 'approved' || to === 'in_production' || to === 'fulfilled')
    fail(actorRefusal(STEP_ACTIONS[to], order, actor));
  // Customers cancel through CancelOrder; setting a status is an operator's tool.
  if (actor.type !== 'operator')
    throw new AppError('FORBIDDEN', "Only an operator can set an order's status", { action: 'setStatus' });
  if (!isOrderState(to)) {
    throw new AppError('BAD_USER_INPUT', `Invalid status: ${String(to)}`, {
      fields: [{ path: 'status', message: `must be one of ${ORDER_STATES.join(', ')}` }],
    });
  }
  if (to === 'submitted') {
    throw new AppError(
      'ILLEGAL_TRANSITION',
      'An order becomes submitted only when Stripe confirms its payment; it cannot be marked submitted by hand',
      { orderStatus: order.orderStatus, to },
    );
  }
  if (to === 'draft') {
    throw new AppError('ILLEGAL_TRANSITION', 'Orders only move forward; nothing goes back to draft', {
      orderStatus: order.orderStatus,
      to,
    });
  }
  const action = to === 'canceled' ? 'cancel' : STEP_ACTIONS[to];
  fail(refusalOf(action, order, actor));

  const problems = new FieldProblems();
  if (to !== 'canceled') problems.optionalText('message', command.message, LIMITS.message);
  for (const [path, rule] of Object.entries(SHIPMENT_FIELDS)) {
    const value = command[path as keyof Shipment];
    if (to !== 'fulfilled') {
      if (cleanText(value) !== null) problems.add(path, 'is only for fulfilling an order');
    } else if (rule === 'url') problems.optionalUrl(path, value);
    else problems.optionalText(path, value, LIMITS.shortText);
  }
  problems.throwIfAny('status change');

  const message = cleanText(command.message);
  switch (to) {
    case 'canceled':
      return cancel({ ...command, reason: command.message }, order);
    case 'approved':
      return [{ type: 'SpecApproved', ...eventBase(command), message }];
    case 'in_production':
      return [{ type: 'ProductionStarted', ...eventBase(command), message }];
    case 'fulfilled': {
      const shipped = Object.fromEntries(
        SHIPMENT_FIELD_NAMES.map((name) => [name, cleanText(command[name])]),
      ) as Shipment;
      return [{ type: 'OrderFulfilled', ...eventBase(command), message, ...shipped }];
    }
    default: {
      const _exhaustive: never = to;
      throw new Error(`Unhandled status ${String(_exhaustive)}`);
    }
  }
}

/** Owner while draft/submitted, operator (with a reason) until final, Stripe when checkout expires unpaid. */
export function cancel(
  command: Pick<CancelOrder, 'orderId' | 'actor' | 'now' | 'idempotencyKey' | 'reason' | 'sessionId'>,
  order: Order,
): OrderEvent[] {
  fail(refusalOf('cancel', order, command.actor));
  const problems = new FieldProblems();
  if (command.actor.type === 'operator') problems.requiredText('reason', command.reason, LIMITS.reason);
  else problems.optionalText('reason', command.reason, LIMITS.reason);
  // Stripe cancels because a checkout session expired: it must be the one this order opened (an
  // older or foreign session's expiry says nothing about the order's own payment).
  if (command.actor.type === 'stripe') problems.requiredText('sessionId', command.sessionId, LIMITS.shortText);
  problems.throwIfAny('cancelation');
  if (command.actor.type === 'stripe' && command.sessionId !== undefined) checkOwnSession(order, command.sessionId);
  const reason = cleanText(command.reason) ?? (command.actor.type === 'stripe' ? 'Checkout session expired' : null);
  return [{ type: 'OrderCanceled', ...eventBase(command), reason, refundDue: order.payment !== null }];
}

/** Operators only, never on a final order; hold needs a reason; rush or standard releases a hold. */
export function decidePriority(command: SetPriority, order: Order): OrderEvent[] {
  fail(refusalOf('setPriority', order, command.actor));
  const problems = new FieldProblems();
  const to = command.priority;
  if (!isPriority(to)) problems.add('priority', 'must be rush, standard or hold');
  if (to === 'hold') problems.requiredText('reason', command.reason, LIMITS.reason);
  else problems.optionalText('reason', command.reason, LIMITS.reason);
  problems.throwIfAny('priority change');
  if (!isPriority(to)) throw new Error('unreachable: priority was checked above');

  const reason = cleanText(command.reason);
  // Same priority is already done, except a new reason for an existing hold, which is news.
  if (to === order.priority && (to !== 'hold' || reason === order.holdReason)) return [];
  return [{ type: 'PriorityChanged', ...eventBase(command), from: order.priority, to, reason }];
}

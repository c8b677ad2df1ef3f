import { AppError, type ErrorCode } from '../errors.ts';
import type { Actor, ActorType, OrderState } from './events.ts';
import type { Order } from './state.ts';

/**
 * THE state machine, as data (contract rule 8). `decide` checks every command against it,
 * `allowedActions` explains it per order, and the README's table is printed from it
 * (`transitionsMarkdown`, kept equal by a test). Creating an order is not a transition: it is
 * the start of the stream (customers and operators, for themselves).
 */
export type OrderAction =
  | 'openCheckout'
  | 'confirmPayment'
  | 'failPayment'
  | 'approve'
  | 'startProduction'
  | 'fulfill'
  | 'cancel'
  | 'setPriority'
  | 'updateNotes'
  | 'postMessage'
  | 'recordRefund'
  | 'recordRefundFailure'
  | 'recordDispute'
  | 'issueTrackingLink'
  | 'revokeTrackingLink';

export interface TransitionRule {
  readonly action: OrderAction;
  /** Who may do it under this row; each (action, actor type) pair appears in one row at most. */
  readonly actors: readonly ActorType[];
  /** The states in which it is allowed. */
  readonly from: readonly OrderState[];
  /** The state it leads to; null when the lifecycle state does not change. */
  readonly to: OrderState | null;
  /** Refused with ORDER_ON_HOLD while the priority is `hold` (rule 3). */
  readonly blockedByHold: boolean;
  /** Only for an order that was paid. */
  readonly requiresPayment: boolean;
  /** A reason must be given (rule 2: an operator's cancel). */
  readonly reasonRequired: boolean;
  readonly note: string;
}

const LIVE: readonly OrderState[] = ['draft', 'submitted', 'approved', 'in_production'];
const ALL: readonly OrderState[] = [...LIVE, 'fulfilled', 'canceled'];
const PAID: readonly OrderState[] = ['submitted', 'approved', 'in_production', 'fulfilled', 'canceled'];

const rule = (
  row: Partial<TransitionRule> & Pick<TransitionRule, 'action' | 'actors' | 'from' | 'note'>,
): TransitionRule => ({
  to: null,
  blockedByHold: false,
  requiresPayment: false,
  reasonRequired: false,
  ...row,
});

export const TRANSITIONS: readonly TransitionRule[] = [
  rule({
    action: 'openCheckout',
    actors: ['customer', 'system'],
    from: ['draft'],
    note: 'one Stripe Checkout session per order',
  }),
  rule({
    action: 'confirmPayment',
    actors: ['stripe'],
    from: ['draft'],
    to: 'submitted',
    note: 'amount and currency must equal the total, else the payment is flagged and the order stays draft; also on hold',
  }),
  rule({ action: 'failPayment', actors: ['stripe'], from: ['draft'], note: 'timeline entry; the order stays draft' }),
  rule({
    action: 'approve',
    actors: ['operator'],
    from: ['submitted'],
    to: 'approved',
    blockedByHold: true,
    note: 'the spec passed review',
  }),
  rule({
    action: 'startProduction',
    actors: ['operator'],
    from: ['approved'],
    to: 'in_production',
    blockedByHold: true,
    note: 'printing done, finishing',
  }),
  rule({
    action: 'fulfill',
    actors: ['operator'],
    from: ['in_production'],
    to: 'fulfilled',
    blockedByHold: true,
    note: 'optional tracking number, URL, carrier; the ETA clock stops',
  }),
  rule({
    action: 'cancel',
    actors: ['customer'],
    from: ['draft', 'submitted'],
    to: 'canceled',
    note: 'the owner only; a paid order is refunded',
  }),
  rule({
    action: 'cancel',
    actors: ['operator'],
    from: LIVE,
    to: 'canceled',
    reasonRequired: true,
    note: 'also on hold; a paid order is refunded',
  }),
  rule({
    action: 'cancel',
    actors: ['stripe'],
    from: ['draft'],
    to: 'canceled',
    note: 'the checkout session expired unpaid',
  }),
  rule({
    action: 'setPriority',
    actors: ['operator'],
    from: LIVE,
    note: 'rush, standard or hold (hold needs a reason); rush or standard releases a hold',
  }),
  rule({ action: 'updateNotes', actors: ['operator'], from: ALL, note: 'replaces the notes' }),
  rule({ action: 'postMessage', actors: ['operator'], from: ALL, note: 'a timeline entry' }),
  rule({
    action: 'recordRefund',
    actors: ['stripe'],
    from: PAID,
    requiresPayment: true,
    note: 'Stripe reported money returned; never above the payment, an excess is flagged for operators',
  }),
  rule({
    action: 'recordRefundFailure',
    actors: ['stripe'],
    from: PAID,
    requiresPayment: true,
    note: 'a refund failed: that money was not returned; flagged for operators',
  }),
  rule({
    action: 'recordDispute',
    actors: ['stripe'],
    from: PAID,
    requiresPayment: true,
    note: 'a dispute opened (flagged with its evidence deadline), moved on (status, deadline) or closed (its final status)',
  }),
  rule({
    action: 'issueTrackingLink',
    actors: ['customer', 'operator'],
    from: ALL,
    note: 'the public tracking link; the owner only; nothing to do when one is active',
  }),
  rule({
    action: 'revokeTrackingLink',
    actors: ['operator'],
    from: ALL,
    note: 'the active link stops working and a new one replaces it',
  }),
];

/** The actions a person can take on an order, as listed by `allowedActions`. */
export const USER_ACTIONS: readonly OrderAction[] = [
  'approve',
  'startProduction',
  'fulfill',
  'cancel',
  'setPriority',
  'updateNotes',
  'postMessage',
];

const VERBS: Readonly<Record<OrderAction, string>> = {
  openCheckout: 'open a checkout session',
  confirmPayment: 'confirm a payment',
  failPayment: 'record a failed payment',
  approve: 'approve the order',
  startProduction: 'start production',
  fulfill: 'fulfil the order',
  cancel: 'cancel the order',
  setPriority: 'change the priority',
  updateNotes: 'update the notes',
  postMessage: 'post a message',
  recordRefund: 'record a refund',
  recordRefundFailure: 'record a failed refund',
  recordDispute: 'record a dispute',
  issueTrackingLink: 'issue a tracking link',
  revokeTrackingLink: 'revoke a tracking link',
};

const ACTOR_NAMES: Readonly<Record<ActorType, string>> = {
  customer: 'the customer',
  operator: 'an operator',
  stripe: 'Stripe',
  system: 'the system',
};

const listed = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;

export const rulesFor = (action: OrderAction): readonly TransitionRule[] =>
  TRANSITIONS.filter((row) => row.action === action);

export const ruleFor = (action: OrderAction, actorType: ActorType): TransitionRule | undefined =>
  TRANSITIONS.find((row) => row.action === action && row.actors.includes(actorType));

/**
 * A refusal as plain data: `allowedActions` asks for every action on every order it shows, and
 * building an Error (with its stack) for each blocked one cost more than the check. `fail` turns
 * it into the AppError the command throws.
 */
export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

const refusal = (code: ErrorCode, message: string, details: Readonly<Record<string, unknown>>): Refusal => ({
  code,
  message,
  details,
});
const toError = (refused: Refusal): AppError => new AppError(refused.code, refused.message, refused.details);
const notFoundRefusal = (orderId: string): Refusal => refusal('NOT_FOUND', `Order ${orderId} not found`, { orderId });

export const notFound = (orderId: string): AppError => toError(notFoundRefusal(orderId));

/** Why `actor` may never take `action` on this order (visibility, then who may do it); undefined if they may. */
export function actorRefusal(action: OrderAction, order: Order, actor: Actor): Refusal | undefined {
  // A customer's view stops at their own orders: someone else's order does not exist for them.
  if (actor.type === 'customer' && actor.id !== order.ownerId) return notFoundRefusal(order.id);
  if (ruleFor(action, actor.type)) return undefined;
  const who = [...new Set(rulesFor(action).flatMap((r) => r.actors))].map((type) => ACTOR_NAMES[type]);
  return refusal('FORBIDDEN', `Only ${listed(who)} can ${VERBS[action]}`, { action });
}

/** Why the order's state forbids `action` for this actor type now (flow, payment, hold); undefined if it allows it. */
export function stateRefusal(action: OrderAction, order: Order, actor: Actor): Refusal | undefined {
  const row = ruleFor(action, actor.type);
  if (!row) return undefined;
  const verb = VERBS[action];
  const status = order.orderStatus;
  if (!row.from.includes(status)) {
    const details = { action, orderStatus: status, allowedFrom: row.from };
    if (status === 'fulfilled' || status === 'canceled') {
      return refusal(
        'ILLEGAL_TRANSITION',
        `Cannot ${verb}: the order is ${status}, and ${status} orders are final`,
        details,
      );
    }
    if (row.to === status)
      return refusal('ILLEGAL_TRANSITION', `Cannot ${verb}: the order is already ${status}`, details);
    const byOperator = action === 'cancel' && actor.type === 'customer' ? '; an operator can still cancel it' : '';
    return refusal(
      'ILLEGAL_TRANSITION',
      `Cannot ${verb} while the order is ${status} (only when ${listed(row.from)})${byOperator}`,
      details,
    );
  }
  if (row.requiresPayment && order.payment === null) {
    return refusal('ILLEGAL_TRANSITION', `Cannot ${verb}: the order was never paid`, { action, orderStatus: status });
  }
  if (row.blockedByHold && order.priority === 'hold') {
    const why = order.holdReason === null ? '' : ` (${order.holdReason})`;
    return refusal(
      'ORDER_ON_HOLD',
      `Cannot ${verb}: the order is on hold${why}; set rush or standard priority to release it`,
      { action },
    );
  }
  return undefined;
}

/** The error `actor` gets for `action` on `order` now, or undefined when the table allows it. */
export const refusalOf = (action: OrderAction, order: Order, actor: Actor): Refusal | undefined =>
  actorRefusal(action, order, actor) ?? stateRefusal(action, order, actor);

/** Throws the refusal as an AppError, if there is one. */
export const fail = (refused: Refusal | undefined): void => {
  if (refused) throw toError(refused);
};

/** The table as Markdown, for the README (a test keeps the two equal). */
export function transitionsMarkdown(): string {
  const lines = ['| action | who | from | to | blocked by hold | note |', '| --- | --- | --- | --- | --- | --- |'];
  for (const row of TRANSITIONS) {
    const note = row.reasonRequired ? `reason required; ${row.note}` : row.note;
    lines.push(
      `| \`${row.action}\` | ${row.actors.join(', ')} | ${row.from.join(', ')} | ${row.to ?? '(unchanged)'} | ${row.blockedByHold ? 'yes' : 'no'} | ${note} |`,
    );
  }
  return lines.join('\n');
}

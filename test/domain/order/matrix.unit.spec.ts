import { describe, expect, it } from 'vitest';
import { decide, evolve, type Actor, type OrderCommand } from '../../../src/domain/order/index.ts';
import {
  HOLD_REASON,
  ORDER_ID,
  STATE_NAMES,
  TOTAL_CENTS,
  hoursLater,
  operator,
  otherCustomer,
  outcomeOf,
  owner,
  stateOf,
  stripe,
  system,
} from './fixtures.ts';

/**
 * Every (lifecycle state × command × actor) pair. The outcomes below are written by hand from
 * contract section 2, not derived from the transitions table, so a wrong table fails here.
 */
const ILL = 'ILLEGAL_TRANSITION';
const HOLD = 'ORDER_ON_HOLD';
const NONE = '[]';

const ACTORS = { owner, otherCustomer, operator, stripe, system } satisfies Record<string, Actor>;
type ActorName = keyof typeof ACTORS;
const at = { orderId: ORDER_ID, now: hoursLater(10) };

interface Row {
  readonly when: string;
  readonly kind: string;
  readonly actor: ActorName;
  readonly command: (actor: Actor) => OrderCommand;
  // Columns: draft, draft·hold, submitted, submitted·hold, approved, approved·hold, in_production,
  // in_production·hold, fulfilled, canceled, canceled·paid, canceled·hold.
  readonly outcomes: readonly string[];
}

const status =
  (to: string) =>
  (actor: Actor): OrderCommand => ({ type: 'SetOrderStatus', ...at, actor, to });
// Stripe cancels for the expiry of the session the order opened (the fixtures' `cs_1`).
const cancel = (actor: Actor): OrderCommand => ({
  type: 'CancelOrder',
  ...at,
  actor,
  reason: 'customer asked',
  ...(actor.type === 'stripe' ? { sessionId: 'cs_1' } : {}),
});
const priority =
  (value: string) =>
  (actor: Actor): OrderCommand => ({
    type: 'SetPriority',
    ...at,
    actor,
    priority: value,
    reason: value === 'hold' ? HOLD_REASON : null,
  });
const pay =
  (amountCents: number) =>
  (actor: Actor): OrderCommand => ({
    type: 'ConfirmPayment',
    ...at,
    actor,
    sessionId: 'cs_1',
    paymentIntentId: 'pi_2',
    amountCents,
    currency: 'usd',
    stripeEventId: 'evt_new',
  });
const failPay = (actor: Actor): OrderCommand => ({
  type: 'FailPayment',
  ...at,
  actor,
  sessionId: 'cs_1',
  reason: 'card declined',
  stripeEventId: 'evt_fail',
});
const openCheckout = (actor: Actor): OrderCommand => ({
  type: 'OpenCheckoutSession',
  ...at,
  actor,
  sessionId: 'cs_new',
  checkoutUrl: 'https://checkout.example.com/cs_new',
  simulated: false,
});
const refund = (actor: Actor): OrderCommand => ({
  type: 'RecordRefund',
  ...at,
  actor,
  chargeId: 'ch_1',
  paymentIntentId: 'pi_1',
  amountRefundedCents: 500,
  currency: 'usd',
  stripeEventId: 'evt_refund',
});
const refundFailure = (actor: Actor): OrderCommand => ({
  type: 'RecordRefundFailure',
  ...at,
  actor,
  refundId: 're_1',
  paymentIntentId: 'pi_1',
  amountCents: 500,
  currency: 'usd',
  reason: null,
  stripeEventId: 'evt_refund_failed',
});
const dispute =
  (phase: 'opened' | 'closed') =>
  (actor: Actor): OrderCommand => ({
    type: 'RecordDispute',
    ...at,
    actor,
    phase,
    disputeId: 'dp_1',
    paymentIntentId: 'pi_1',
    amountCents: TOTAL_CENTS,
    currency: 'usd',
    reason: 'fraudulent',
    status: phase === 'opened' ? 'needs_response' : 'lost',
    evidenceDueBy: null,
    stripeEventId: `evt_dispute_${phase}`,
  });
const notes = (actor: Actor): OrderCommand => ({ type: 'UpdateNotes', ...at, actor, notes: 'Pack in pairs' });
const message = (actor: Actor): OrderCommand => ({
  type: 'PostMessage',
  ...at,
  actor,
  message: 'Ink arrives tomorrow',
});

const x = <T>(value: T, times: number): T[] => Array.from({ length: times }, () => value);
const OC = 'OrderCanceled';
const PC = 'PriorityChanged';

const ROWS: readonly Row[] = [
  {
    when: 'an operator approves',
    kind: 'approve',
    actor: 'operator',
    command: status('approved'),
    outcomes: [ILL, ILL, 'SpecApproved', HOLD, ILL, ILL, ILL, ILL, ILL, ILL, ILL, ILL],
  },
  {
    when: 'an operator starts production',
    kind: 'start',
    actor: 'operator',
    command: status('in_production'),
    outcomes: [ILL, ILL, ILL, ILL, 'ProductionStarted', HOLD, ILL, ILL, ILL, ILL, ILL, ILL],
  },
  {
    when: 'an operator fulfils',
    kind: 'fulfil',
    actor: 'operator',
    command: status('fulfilled'),
    outcomes: [...x(ILL, 6), 'OrderFulfilled', HOLD, ILL, ILL, ILL, ILL],
  },
  {
    when: 'an operator marks it submitted',
    kind: 'submit',
    actor: 'operator',
    command: status('submitted'),
    outcomes: x(ILL, 12),
  },
  {
    when: 'an operator sends it back to draft',
    kind: 'draft',
    actor: 'operator',
    command: status('draft'),
    outcomes: x(ILL, 12),
  },
  {
    when: 'an operator sets status canceled',
    kind: 'cancelByStatus',
    actor: 'operator',
    command: status('canceled'),
    outcomes: [...x('BAD_USER_INPUT', 8), ...x(ILL, 4)],
  },
  {
    when: 'an operator sets status canceled with a message',
    kind: 'cancelByStatus',
    actor: 'operator',
    command: (actor) => ({ ...status('canceled')(actor), message: 'duplicate order' }),
    outcomes: [...x(OC, 8), ...x(ILL, 4)],
  },
  {
    when: 'the owner cancels',
    kind: 'cancel',
    actor: 'owner',
    command: cancel,
    outcomes: [OC, OC, OC, OC, ...x(ILL, 8)],
  },
  {
    when: 'an operator cancels with a reason',
    kind: 'cancel',
    actor: 'operator',
    command: cancel,
    outcomes: [...x(OC, 8), ...x(ILL, 4)],
  },
  {
    when: 'Stripe cancels on checkout expiry',
    kind: 'cancel',
    actor: 'stripe',
    command: cancel,
    outcomes: [OC, OC, ...x(ILL, 10)],
  },
  {
    when: 'an operator sets rush',
    kind: 'priority',
    actor: 'operator',
    command: priority('rush'),
    outcomes: [...x(PC, 8), ...x(ILL, 4)],
  },
  {
    when: 'an operator sets hold with the same reason',
    kind: 'priority',
    actor: 'operator',
    command: priority('hold'),
    outcomes: [PC, NONE, PC, NONE, PC, NONE, PC, NONE, ...x(ILL, 4)],
  },
  {
    when: 'an operator sets standard',
    kind: 'priority',
    actor: 'operator',
    command: priority('standard'),
    outcomes: [NONE, PC, NONE, PC, NONE, PC, NONE, PC, ...x(ILL, 4)],
  },
  {
    when: 'an operator updates the notes',
    kind: 'notes',
    actor: 'operator',
    command: notes,
    outcomes: x('NotesUpdated', 12),
  },
  {
    when: 'an operator posts a message',
    kind: 'message',
    actor: 'operator',
    command: message,
    outcomes: x('MessagePosted', 12),
  },
  {
    when: 'Stripe confirms the full payment',
    kind: 'pay',
    actor: 'stripe',
    command: pay(TOTAL_CENTS),
    outcomes: ['PaymentConfirmed', 'PaymentConfirmed', ...x(NONE, 7), ILL, NONE, NONE],
  },
  {
    when: 'Stripe confirms a short payment',
    kind: 'pay',
    actor: 'stripe',
    command: pay(TOTAL_CENTS - 1),
    outcomes: ['PaymentMismatchFlagged', 'PaymentMismatchFlagged', ...x(NONE, 7), ILL, NONE, NONE],
  },
  {
    when: 'Stripe reports a failed payment',
    kind: 'failPay',
    actor: 'stripe',
    command: failPay,
    outcomes: ['PaymentFailed', 'PaymentFailed', ...x(ILL, 10)],
  },
  {
    when: 'the owner opens checkout',
    kind: 'checkout',
    actor: 'owner',
    command: openCheckout,
    outcomes: ['CheckoutSessionOpened', 'CheckoutSessionOpened', ...x(ILL, 10)],
  },
  {
    when: 'the system opens checkout',
    kind: 'checkout',
    actor: 'system',
    command: openCheckout,
    outcomes: ['CheckoutSessionOpened', 'CheckoutSessionOpened', ...x(ILL, 10)],
  },
  {
    when: 'Stripe reports a refund',
    kind: 'refund',
    actor: 'stripe',
    command: refund,
    outcomes: [ILL, ILL, ...x('RefundRecorded', 7), ILL, 'RefundRecorded', 'RefundRecorded'],
  },
  {
    when: 'Stripe reports a failed refund',
    kind: 'refundFailure',
    actor: 'stripe',
    command: refundFailure,
    outcomes: [ILL, ILL, ...x('RefundFailed', 7), ILL, 'RefundFailed', 'RefundFailed'],
  },
  {
    when: 'Stripe reports a dispute opened',
    kind: 'dispute',
    actor: 'stripe',
    command: dispute('opened'),
    outcomes: [ILL, ILL, ...x('DisputeOpened', 7), ILL, 'DisputeOpened', 'DisputeOpened'],
  },
  {
    when: 'Stripe reports a dispute closed',
    kind: 'dispute',
    actor: 'stripe',
    command: dispute('closed'),
    outcomes: [ILL, ILL, ...x('DisputeClosed', 7), ILL, 'DisputeClosed', 'DisputeClosed'],
  },
];

/** Who may ever issue each kind of command; everyone else is refused whatever the state. */
const MAY: Readonly<Record<string, readonly ActorName[]>> = {
  approve: ['operator'],
  start: ['operator'],
  fulfil: ['operator'],
  submit: ['operator'],
  draft: ['operator'],
  cancelByStatus: ['operator'],
  cancel: ['owner', 'operator', 'stripe'],
  priority: ['operator'],
  notes: ['operator'],
  message: ['operator'],
  pay: ['stripe'],
  failPay: ['stripe'],
  checkout: ['owner', 'system'],
  refund: ['stripe'],
  refundFailure: ['stripe'],
  dispute: ['stripe'],
};

describe('the order decider, state by state', () => {
  it('has one outcome per lifecycle state in every row', () => {
    for (const row of ROWS) expect(row.outcomes, row.when).toHaveLength(STATE_NAMES.length);
  });

  describe.each(STATE_NAMES.map((name, column) => ({ name, column })))('on a $name order', ({ name, column }) => {
    const state = stateOf(name);
    it.each(ROWS.map((row) => ({ ...row, expected: row.outcomes[column] })))(
      '$when: $expected',
      ({ actor, command, expected }) => {
        expect(outcomeOf(command(ACTORS[actor]), state)).toBe(expected);
      },
    );

    it.each(ROWS)('refuses anyone else who tries: $when', ({ kind, command }) => {
      for (const [actorName, actor] of Object.entries(ACTORS) as [ActorName, Actor][]) {
        if (MAY[kind]?.includes(actorName)) continue;
        const expected = actorName === 'otherCustomer' ? 'NOT_FOUND' : 'FORBIDDEN';
        expect(outcomeOf(command(actor), state), `${actorName}`).toBe(expected);
      }
    });

    it.each(ROWS)('does nothing more when repeated with the same idempotency key: $when', ({ actor, command }) => {
      const keyed = { ...command(ACTORS[actor]), idempotencyKey: `key-${name}` };
      let events;
      try {
        events = decide(keyed, state);
      } catch {
        return; // a refused command applied nothing, so there is nothing to repeat
      }
      for (const event of events) expect(event.idempotencyKey).toBe(`key-${name}`);
      const after = events.reduce(evolve, state);
      expect(decide(keyed, after)).toEqual([]);
    });
  });

  it.each(ROWS)('answers NOT_FOUND for an order that does not exist: $when', ({ actor, command }) => {
    expect(outcomeOf(command(ACTORS[actor]), null)).toBe('NOT_FOUND');
  });
});

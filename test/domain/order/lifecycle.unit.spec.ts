import { describe, expect, it } from 'vitest';
import { decide, evolve, foldOrder, type OrderCommand, type OrderEvent } from '../../../src/domain/order/index.ts';
import {
  HISTORIES,
  HOLD_REASON,
  ORDER_ID,
  TOTAL_CENTS,
  ev,
  given,
  hoursLater,
  operator,
  otherCustomer,
  owner,
  stateOf,
  stripe,
} from './fixtures.ts';

const now = hoursLater(10);
const at = now.toISOString();
const base = { orderId: ORDER_ID, now };
const pay = (overrides: Partial<Extract<OrderCommand, { type: 'ConfirmPayment' }>> = {}): OrderCommand => ({
  type: 'ConfirmPayment',
  ...base,
  actor: stripe,
  sessionId: 'cs_1',
  paymentIntentId: 'pi_1',
  amountCents: TOTAL_CENTS,
  currency: 'usd',
  stripeEventId: 'evt_1',
  ...overrides,
});
const setStatus = (
  to: string,
  extra: Partial<Extract<OrderCommand, { type: 'SetOrderStatus' }>> = {},
): OrderCommand => ({ type: 'SetOrderStatus', ...base, actor: operator, to, ...extra });

describe('payment', () => {
  it('submits a draft paid in full, with the payment on the event', () => {
    given(ev.created(), ev.checkoutOpened())
      .when(pay({ currency: 'USD' }))
      .then([
        {
          type: 'PaymentConfirmed',
          orderId: ORDER_ID,
          actor: stripe,
          at,
          sessionId: 'cs_1',
          paymentIntentId: 'pi_1',
          amountCents: TOTAL_CENTS,
          currency: 'usd',
          stripeEventId: 'evt_1',
        },
      ]);
  });

  it('flags a payment in another currency and leaves the order draft', () => {
    const { state } = given(ev.created());
    const events = decide(pay({ currency: 'eur' }), state);
    expect(events).toEqual([
      {
        type: 'PaymentMismatchFlagged',
        orderId: ORDER_ID,
        actor: stripe,
        at,
        sessionId: 'cs_1',
        amountCents: TOTAL_CENTS,
        currency: 'eur',
        expectedAmountCents: TOTAL_CENTS,
        expectedCurrency: 'usd',
        stripeEventId: 'evt_1',
      },
    ]);
    const after = events.reduce(evolve, state);
    expect(after?.orderStatus).toBe('draft');
    expect(after?.paymentFlagged).toBe(true);
    given(...HISTORIES.draft, ...events)
      .when(pay({ currency: 'eur' }))
      .thenNothing();
  });

  it('writes nothing for a second, different Stripe event about the same paid session', () => {
    given(...HISTORIES.submitted)
      .when(pay({ stripeEventId: 'evt_other' }))
      .thenNothing();
  });

  it('refuses a payment for an order canceled before it was paid, so the webhook records it as ignored', () => {
    given(...HISTORIES.canceled)
      .when(pay())
      .thenThrows('ILLEGAL_TRANSITION', /canceled orders are final/);
  });

  it('accepts a payment while on hold: the order is submitted and stays on hold', () => {
    const state = foldOrder([...HISTORIES['draft·hold'], ...decide(pay(), stateOf('draft·hold'))]);
    expect(state).toMatchObject({ orderStatus: 'submitted', priority: 'hold', holdReason: HOLD_REASON });
  });

  it('refuses payment commands from anyone but Stripe, and bad amounts', () => {
    given(ev.created())
      .when(pay({ actor: operator }))
      .thenThrows('FORBIDDEN', 'Only Stripe can confirm a payment');
    const error = given(ev.created())
      .when(pay({ amountCents: -1, currency: 'dollars of the realm' }))
      .thenThrows('BAD_USER_INPUT');
    expect(error.details.fields?.map((f) => f.path)).toEqual(['amountCents', 'currency']);
  });

  it('flags, rather than refuses, a paid session that says no amount or currency', () => {
    given(ev.created())
      .when(pay({ amountCents: 0, currency: '' }))
      .then([expect.objectContaining({ type: 'PaymentMismatchFlagged', amountCents: 0, currency: '' }) as OrderEvent]);
  });

  it('opens one checkout session: the same one again is already done, another is refused', () => {
    const open = (sessionId: string): OrderCommand => ({
      type: 'OpenCheckoutSession',
      ...base,
      actor: owner,
      sessionId,
      checkoutUrl: `https://checkout.example.com/${sessionId}`,
      simulated: true,
    });
    given(ev.created(), ev.checkoutOpened()).when(open('cs_1')).thenNothing();
    given(ev.created(), ev.checkoutOpened())
      .when(open('cs_2'))
      .thenThrows('ILLEGAL_TRANSITION', /already has checkout session cs_1/);
  });

  it('records the refunded running total once, and ignores an older, smaller total', () => {
    const refund = (amount: number, id: string): OrderCommand => ({
      type: 'RecordRefund',
      ...base,
      actor: stripe,
      chargeId: 'ch_1',
      paymentIntentId: 'pi_1',
      amountRefundedCents: amount,
      currency: 'usd',
      stripeEventId: id,
    });
    const first = decide(refund(4000, 'evt_r1'), stateOf('canceled·paid'));
    expect(first).toEqual([
      {
        type: 'RefundRecorded',
        orderId: ORDER_ID,
        actor: stripe,
        at,
        chargeId: 'ch_1',
        amountRefundedCents: 4000,
        currency: 'usd',
        stripeEventId: 'evt_r1',
      },
    ]);
    given(...HISTORIES['canceled·paid'], ...first)
      .when(refund(3000, 'evt_r0'))
      .thenNothing();
    given(...HISTORIES['canceled·paid'], ...first)
      .when(refund(4000, 'evt_r1'))
      .thenNothing();
    given(...HISTORIES.canceled)
      .when(refund(100, 'evt_r2'))
      .thenThrows('ILLEGAL_TRANSITION', /never paid/);
  });
});

describe('production steps', () => {
  it('moves forward one step at a time and remembers when each stop was reached', () => {
    const history: OrderEvent[] = [...HISTORIES.submitted];
    for (const [to, hours] of [
      ['approved', 11],
      ['in_production', 12],
      ['fulfilled', 13],
    ] as const) {
      history.push(...decide({ ...setStatus(to), now: hoursLater(hours) }, foldOrder(history)));
    }
    expect(history.slice(-3).map((e) => e.type)).toEqual(['SpecApproved', 'ProductionStarted', 'OrderFulfilled']);
    expect(foldOrder(history)?.reachedAt).toEqual({
      draft: hoursLater(0).toISOString(),
      submitted: hoursLater(1).toISOString(),
      approved: hoursLater(11).toISOString(),
      in_production: hoursLater(12).toISOString(),
      fulfilled: hoursLater(13).toISOString(),
    });
  });

  it('refuses approving an order on hold, saying why it is held', () => {
    given(...HISTORIES['submitted·hold'])
      .when(setStatus('approved'))
      .thenThrows(
        'ORDER_ON_HOLD',
        `Cannot approve the order: the order is on hold (${HOLD_REASON}); set rush or standard priority to release it`,
      );
  });

  it('refuses skipping a step and going back', () => {
    given(...HISTORIES.submitted)
      .when(setStatus('fulfilled'))
      .thenThrows(
        'ILLEGAL_TRANSITION',
        'Cannot fulfil the order while the order is submitted (only when in_production)',
      );
    given(...HISTORIES.in_production)
      .when(setStatus('approved'))
      .thenThrows('ILLEGAL_TRANSITION');
    given(...HISTORIES.approved)
      .when(setStatus('approved'))
      .thenThrows('ILLEGAL_TRANSITION', 'Cannot approve the order: the order is already approved');
  });

  it('never lets an operator mark an order submitted: only a payment does', () => {
    given(...HISTORIES.draft)
      .when(setStatus('submitted'))
      .thenThrows('ILLEGAL_TRANSITION', /only when Stripe confirms its payment/);
  });

  it('fulfils with tracking details, and refuses tracking on other steps or an unknown status', () => {
    const tracking = {
      trackingNumber: '1Z999',
      trackingUrl: 'https://ups.example.com/1Z999',
      carrier: 'UPS',
      message: 'Left the dock',
    };
    given(...HISTORIES.in_production)
      .when(setStatus('fulfilled', tracking))
      .then([{ type: 'OrderFulfilled', orderId: ORDER_ID, actor: operator, at, ...tracking }]);
    const wrong = given(...HISTORIES.submitted)
      .when(setStatus('approved', { carrier: 'UPS' }))
      .thenThrows('BAD_USER_INPUT');
    expect(wrong.details.fields).toEqual([{ path: 'carrier', message: 'is only for fulfilling an order' }]);
    const unknown = given(...HISTORIES.submitted)
      .when(setStatus('shipped'))
      .thenThrows('BAD_USER_INPUT');
    expect(unknown.details.fields?.[0]?.path).toBe('status');
    given(...HISTORIES.submitted)
      .when(setStatus('approved', { actor: owner }))
      .thenThrows('FORBIDDEN');
  });
});

describe('canceling', () => {
  const cancel = (actor = owner, reason: string | null = null): OrderCommand => ({
    type: 'CancelOrder',
    ...base,
    actor,
    reason,
  });

  it('lets the owner cancel a draft, owing no refund', () => {
    given(...HISTORIES.draft)
      .when(cancel())
      .then([{ type: 'OrderCanceled', orderId: ORDER_ID, actor: owner, at, reason: null, refundDue: false }]);
  });

  it('owes a refund when a paid order is canceled', () => {
    given(...HISTORIES.submitted)
      .when(cancel(operator, 'Design rejected'))
      .then([
        { type: 'OrderCanceled', orderId: ORDER_ID, actor: operator, at, reason: 'Design rejected', refundDue: true },
      ]);
  });

  it('needs a reason from an operator', () => {
    const error = given(...HISTORIES.approved)
      .when(cancel(operator, '  '))
      .thenThrows('BAD_USER_INPUT');
    expect(error.details.fields).toEqual([{ path: 'reason', message: 'is required' }]);
  });

  it("hides someone else's order from a customer, and sends the owner of an order in production to an operator", () => {
    given(...HISTORIES.draft)
      .when(cancel(otherCustomer))
      .thenThrows('NOT_FOUND');
    given(...HISTORIES.approved)
      .when(cancel())
      .thenThrows('ILLEGAL_TRANSITION', /an operator can still cancel it/);
  });

  it("does not answer a stranger's repeated idempotency key with the owner's order", () => {
    const canceled = { ...ev.canceled(owner, false), idempotencyKey: 'cancel-1' };
    given(ev.created(), canceled)
      .when({ ...cancel(), idempotencyKey: 'cancel-1' })
      .thenNothing();
    given(ev.created(), canceled)
      .when({ ...cancel(otherCustomer), idempotencyKey: 'cancel-1' })
      .thenThrows('NOT_FOUND');
  });

  const expired = (sessionId?: string): OrderCommand => ({ ...cancel(stripe), ...(sessionId ? { sessionId } : {}) });

  it('cancels an expired checkout only while draft, saying so', () => {
    given(...HISTORIES.draft)
      .when(expired('cs_1'))
      .then([
        {
          type: 'OrderCanceled',
          orderId: ORDER_ID,
          actor: stripe,
          at,
          reason: 'Checkout session expired',
          refundDue: false,
        },
      ]);
    given(...HISTORIES.submitted)
      .when(expired('cs_1'))
      .thenThrows('ILLEGAL_TRANSITION');
  });

  it('cancels on an expired session only when it is the one the order opened', () => {
    given(ev.created(), ev.checkoutOpened())
      .when(expired('cs_other'))
      .thenThrows('ILLEGAL_TRANSITION', /Checkout session cs_other is not this order's \(it opened cs_1\)/);
    given(ev.created(), ev.checkoutOpened())
      .when(expired())
      .thenThrows('BAD_USER_INPUT', /sessionId/);
    given(ev.created(), ev.checkoutOpened())
      .when(expired('cs_1'))
      .then([expect.objectContaining({ type: 'OrderCanceled', actor: stripe }) as OrderEvent]);
  });

  it('treats canceled as final', () => {
    given(...HISTORIES.canceled)
      .when(cancel(operator, 'again'))
      .thenThrows(
        'ILLEGAL_TRANSITION',
        'Cannot cancel the order: the order is canceled, and canceled orders are final',
      );
  });
});

describe('priority, notes and messages', () => {
  const priority = (value: string, reason: string | null = null): OrderCommand => ({
    type: 'SetPriority',
    ...base,
    actor: operator,
    priority: value,
    reason,
  });

  it('needs a reason for hold and a known priority', () => {
    given(...HISTORIES.submitted)
      .when(priority('hold'))
      .thenThrows('BAD_USER_INPUT', /reason: is required/);
    given(...HISTORIES.submitted)
      .when(priority('asap'))
      .thenThrows('BAD_USER_INPUT', /priority: must be rush, standard or hold/);
  });

  it('releases a hold by setting rush, clearing the hold reason', () => {
    const events = decide(priority('rush', 'Artwork fixed'), stateOf('approved·hold'));
    expect(events).toEqual([
      {
        type: 'PriorityChanged',
        orderId: ORDER_ID,
        actor: operator,
        at,
        from: 'hold',
        to: 'rush',
        reason: 'Artwork fixed',
      },
    ]);
    expect(foldOrder([...HISTORIES['approved·hold'], ...events])).toMatchObject({ priority: 'rush', holdReason: null });
  });

  it('records a new reason for an order already on hold', () => {
    given(...HISTORIES['submitted·hold'])
      .when(priority('hold', 'Waiting for ink'))
      .then([
        {
          type: 'PriorityChanged',
          orderId: ORDER_ID,
          actor: operator,
          at,
          from: 'hold',
          to: 'hold',
          reason: 'Waiting for ink',
        },
      ]);
  });

  it('updates notes, treats the same notes as done, and clears them with empty text', () => {
    const notes = (text: string): OrderCommand => ({ type: 'UpdateNotes', ...base, actor: operator, notes: text });
    const first = decide(notes(' Pack in pairs '), stateOf('draft'));
    expect(first).toEqual([{ type: 'NotesUpdated', orderId: ORDER_ID, actor: operator, at, notes: 'Pack in pairs' }]);
    given(...HISTORIES.draft, ...first)
      .when(notes('Pack in pairs'))
      .thenNothing();
    const cleared = decide(notes(''), foldOrder([...HISTORIES.draft, ...first]));
    expect(foldOrder([...HISTORIES.draft, ...first, ...cleared])?.notes).toBeNull();
    given(...HISTORIES.draft)
      .when(notes('x'.repeat(2001)))
      .thenThrows('BAD_USER_INPUT', /at most 2000/);
  });

  it('posts a message only when it says something', () => {
    given(...HISTORIES.fulfilled)
      .when({ type: 'PostMessage', ...base, actor: operator, message: ' ' })
      .thenThrows('BAD_USER_INPUT');
  });
});

describe('the fold', () => {
  it('never throws and ignores what comes before the order exists', () => {
    for (const event of [ev.paid(), ev.approved(), ev.canceled(owner, false)]) expect(evolve(null, event)).toBeNull();
    const state = stateOf('draft');
    expect(evolve(state, { ...ev.created('rush'), at: hoursLater(9).toISOString() })).toBe(state);
  });

  it('decides the same way twice and leaves the state untouched', () => {
    const state = Object.freeze(stateOf('submitted'));
    const command = setStatus('approved');
    expect(decide(command, state)).toEqual(decide(command, state));
    expect(state).toEqual(stateOf('submitted'));
  });
});

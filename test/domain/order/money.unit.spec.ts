import { describe, expect, it } from 'vitest';
import {
  decide,
  foldOrder,
  timelineMessage,
  type OrderCommand,
  type OrderEvent,
  type RecordDispute,
  type RecordRefundFailure,
} from '../../../src/domain/order/index.ts';
import { HISTORIES, ORDER_ID, TOTAL_CENTS, ev, given, hoursLater, stripe } from './fixtures.ts';

const now = hoursLater(10);
const at = now.toISOString();
const base = { orderId: ORDER_ID, now, actor: stripe };
const DUE = new Date('2025-03-20T23:59:59.000Z');

const pay = (sessionId: string): OrderCommand => ({
  type: 'ConfirmPayment',
  ...base,
  sessionId,
  paymentIntentId: 'pi_1',
  amountCents: TOTAL_CENTS,
  currency: 'usd',
  stripeEventId: 'evt_pay',
});
const refund = (amount: number, stripeEventId: string, paymentIntentId: string | null = 'pi_1'): OrderCommand => ({
  type: 'RecordRefund',
  ...base,
  chargeId: 'ch_1',
  paymentIntentId,
  amountRefundedCents: amount,
  currency: 'usd',
  stripeEventId,
});
const refundFailure = (overrides: Partial<RecordRefundFailure> = {}): RecordRefundFailure => ({
  type: 'RecordRefundFailure',
  ...base,
  refundId: 're_1',
  paymentIntentId: 'pi_1',
  amountCents: TOTAL_CENTS,
  currency: 'usd',
  reason: 'expired_or_canceled_card',
  stripeEventId: 'evt_fail',
  ...overrides,
});
const dispute = (overrides: Partial<RecordDispute> = {}): RecordDispute => ({
  type: 'RecordDispute',
  ...base,
  phase: 'opened',
  disputeId: 'dp_1',
  paymentIntentId: 'pi_1',
  amountCents: TOTAL_CENTS,
  currency: 'usd',
  reason: 'fraudulent',
  status: 'needs_response',
  evidenceDueBy: DUE,
  stripeEventId: 'evt_dp',
  ...overrides,
});

/** The history after `commands`, each decided on the state the previous ones left. */
function run(history: readonly OrderEvent[], ...commands: OrderCommand[]): OrderEvent[] {
  const events = [...history];
  for (const command of commands) events.push(...decide(command, foldOrder(events)));
  return events;
}

describe('money Stripe reports must be the order’s own', () => {
  it('refuses a paid session other than the one the order opened, and a failure of one', () => {
    given(ev.created(), ev.checkoutOpened())
      .when(pay('cs_other'))
      .thenThrows('ILLEGAL_TRANSITION', /Checkout session cs_other is not this order's \(it opened cs_1\)/);
    given(ev.created(), ev.checkoutOpened())
      .when({ type: 'FailPayment', ...base, sessionId: 'cs_other', reason: 'declined', stripeEventId: 'evt_f' })
      .thenThrows('ILLEGAL_TRANSITION', /cs_other/);
    given(ev.created(), ev.checkoutOpened())
      .when(pay('cs_1'))
      .then([expect.objectContaining({ type: 'PaymentConfirmed', sessionId: 'cs_1' }) as OrderEvent]);
  });

  it('refuses a refund, a failed refund and a dispute of another payment intent', () => {
    const paid = HISTORIES.submitted;
    given(...paid)
      .when(refund(100, 'evt_r', 'pi_other'))
      .thenThrows(
        'ILLEGAL_TRANSITION',
        /payment intent pi_other does not apply: it is not the payment intent that paid this order \(pi_1\)/,
      );
    given(...paid)
      .when(refund(100, 'evt_r', null))
      .thenThrows('ILLEGAL_TRANSITION', /payment intent \(none\)/);
    given(...paid)
      .when(refundFailure({ paymentIntentId: 'pi_other' }))
      .thenThrows('ILLEGAL_TRANSITION', /Refund re_1/);
    given(...paid)
      .when(dispute({ paymentIntentId: 'pi_other' }))
      .thenThrows('ILLEGAL_TRANSITION', /Dispute dp_1/);
  });
});

describe('refunds above the payment', () => {
  it('records the money returned up to the payment and flags the excess once', () => {
    const events = decide(refund(1e12, 'evt_big'), foldOrder(HISTORIES['canceled·paid']));
    expect(events).toEqual([
      {
        type: 'RefundRecorded',
        orderId: ORDER_ID,
        actor: stripe,
        at,
        chargeId: 'ch_1',
        amountRefundedCents: TOTAL_CENTS,
        currency: 'usd',
        stripeEventId: 'evt_big',
      },
      {
        type: 'RefundExcessFlagged',
        orderId: ORDER_ID,
        actor: stripe,
        at,
        chargeId: 'ch_1',
        reportedRefundedCents: 1e12,
        paidCents: TOTAL_CENTS,
        currency: 'usd',
        stripeEventId: 'evt_big',
      },
    ]);
    const state = foldOrder([...HISTORIES['canceled·paid'], ...events]);
    expect(state).toMatchObject({ refundedCents: TOTAL_CENTS, refundExcess: true });
    // The same fact again, under another event id: nothing new.
    given(...HISTORIES['canceled·paid'], ...events)
      .when(refund(1e12, 'evt_big_again'))
      .thenNothing();
    expect(timelineMessage(events[1]!)).toBe(
      'Stripe reported 10000000000.00 USD refunded, more than the 92.50 USD paid; the excess was not recorded; flagged for review',
    );
  });

  it('caps a total recorded before the cap existed when folding it', () => {
    const old: OrderEvent = {
      type: 'RefundRecorded',
      orderId: ORDER_ID,
      actor: stripe,
      at,
      chargeId: 'ch_1',
      amountRefundedCents: 1e12,
      currency: 'usd',
      stripeEventId: 'evt_old',
    };
    expect(foldOrder([...HISTORIES.submitted, old])).toMatchObject({ refundedCents: TOTAL_CENTS, refundExcess: true });
  });
});

describe('failed refunds', () => {
  it('takes the failed amount off the money returned and flags it, once per refund', () => {
    const history = run(HISTORIES['canceled·paid'], refund(TOTAL_CENTS, 'evt_r'));
    const failed = decide(refundFailure(), foldOrder(history));
    expect(failed).toEqual([
      {
        type: 'RefundFailed',
        orderId: ORDER_ID,
        actor: stripe,
        at,
        refundId: 're_1',
        amountCents: TOTAL_CENTS,
        currency: 'usd',
        reason: 'expired_or_canceled_card',
        stripeEventId: 'evt_fail',
      },
    ]);
    expect(foldOrder([...history, ...failed])).toMatchObject({
      refundedCents: 0,
      refundFailure: { reason: 'expired_or_canceled_card' },
    });
    expect(timelineMessage(failed[0]!)).toBe('Refund of 92.50 USD failed: expired_or_canceled_card');
    // Stripe tells one failure as refund.updated and as refund.failed: the second is nothing new.
    given(...history, ...failed)
      .when(refundFailure({ stripeEventId: 'evt_fail_2' }))
      .thenNothing();
    // A later refund that goes through clears the flag.
    const again = run([...history, ...failed], refund(TOTAL_CENTS, 'evt_r2'));
    expect(foldOrder(again)).toMatchObject({ refundedCents: TOTAL_CENTS, refundFailure: null });
  });

  it('refuses one on an order never paid', () => {
    given(...HISTORIES.canceled)
      .when(refundFailure())
      .thenThrows('ILLEGAL_TRANSITION', /never paid/);
  });
});

describe('disputes', () => {
  it('flags an opened dispute with its deadline, and keeps the final status once closed', () => {
    const opened = run(HISTORIES.fulfilled, dispute());
    expect(opened.at(-1)).toEqual({
      type: 'DisputeOpened',
      orderId: ORDER_ID,
      actor: stripe,
      at,
      disputeId: 'dp_1',
      amountCents: TOTAL_CENTS,
      currency: 'usd',
      reason: 'fraudulent',
      status: 'needs_response',
      evidenceDueBy: DUE.toISOString(),
      stripeEventId: 'evt_dp',
    });
    expect(foldOrder(opened)?.dispute).toEqual({
      disputeId: 'dp_1',
      status: 'needs_response',
      evidenceDueBy: DUE.toISOString(),
      open: true,
    });
    expect(timelineMessage(opened.at(-1)!)).toBe(
      `Payment of 92.50 USD disputed (fraudulent); evidence due by ${DUE.toISOString()}; flagged for review`,
    );
    given(...opened)
      .when(dispute({ stripeEventId: 'evt_dp_again' }))
      .thenNothing();

    const closed = run(opened, dispute({ phase: 'closed', status: 'won', stripeEventId: 'evt_dp_closed' }));
    expect(closed.at(-1)).toEqual({
      type: 'DisputeClosed',
      orderId: ORDER_ID,
      actor: stripe,
      at,
      disputeId: 'dp_1',
      status: 'won',
      stripeEventId: 'evt_dp_closed',
    });
    expect(foldOrder(closed)?.dispute).toEqual({ disputeId: 'dp_1', status: 'won', evidenceDueBy: null, open: false });
    expect(timelineMessage(closed.at(-1)!)).toBe('Dispute closed: won');
    given(...closed)
      .when(dispute({ phase: 'closed', status: 'won', stripeEventId: 'evt_dp_closed_again' }))
      .thenNothing();
    // A late `created` after the close changes nothing either.
    given(...closed)
      .when(dispute({ stripeEventId: 'evt_dp_late' }))
      .thenNothing();
  });

  it('refuses a dispute with a bad deadline, listing the problem', () => {
    const error = given(...HISTORIES.submitted)
      .when(dispute({ evidenceDueBy: new Date(Number.NaN) }))
      .thenThrows('BAD_USER_INPUT');
    expect(error.details.fields?.map((f) => f.path)).toEqual(['evidenceDueBy']);
  });
});

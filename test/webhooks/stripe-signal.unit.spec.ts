import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signalOf } from '../../src/webhooks/stripeSignal.ts';
import {
  checkoutSession,
  disputeObject,
  refundedCharge,
  refundFixture,
  refundObject,
  sessionFixture,
  stripeEvent,
} from './stripe-fixtures.ts';

describe('what a Stripe event means for an order', () => {
  it('reads a paid checkout.session.completed as a completed, paid session with Stripe’s amount', () => {
    const orderId = randomUUID();
    const session = checkoutSession({ orderId, amountTotal: 7400, paymentIntent: 'pi_1' });
    expect(signalOf(stripeEvent('checkout.session.completed', session))).toEqual({
      kind: 'session_completed',
      orderId,
      sessionId: session.id,
      paid: true,
      paymentIntentId: 'pi_1',
      amountCents: 7400,
      currency: 'usd',
    });
  });

  it('reads an unpaid completion as not paid, so the order waits for the async outcome', () => {
    const session = checkoutSession({ orderId: randomUUID(), amountTotal: 100, paymentStatus: 'unpaid' });
    expect(signalOf(stripeEvent('checkout.session.completed', session))).toMatchObject({
      kind: 'session_completed',
      paid: false,
    });
  });

  it('re-checks payment_status on async_payment_succeeded too', () => {
    const session = checkoutSession({ orderId: randomUUID(), amountTotal: 100, paymentStatus: 'paid' });
    expect(signalOf(stripeEvent('checkout.session.async_payment_succeeded', session))).toMatchObject({
      kind: 'session_completed',
      paid: true,
    });
  });

  it('finds the order through client_reference_id when metadata is empty', () => {
    const orderId = randomUUID();
    const session = { ...sessionFixture(), client_reference_id: orderId };
    expect(signalOf(stripeEvent('checkout.session.expired', session))).toEqual({
      kind: 'session_expired',
      orderId,
      sessionId: session.id,
    });
  });

  it('ignores a session of Stripe’s own fixture, which names no order', () => {
    const signal = signalOf(stripeEvent('checkout.session.completed', sessionFixture()));
    expect(signal).toEqual({ kind: 'ignored', reason: expect.stringContaining('names no order') });
  });

  it('ignores an order id that is not a uuid', () => {
    const session = { ...sessionFixture(), metadata: { orderId: "1' or 1=1" } };
    expect(signalOf(stripeEvent('checkout.session.completed', session)).kind).toBe('ignored');
  });

  it('reads async_payment_failed as a failed payment of the order', () => {
    const orderId = randomUUID();
    const session = checkoutSession({ orderId, paymentStatus: 'unpaid' });
    expect(signalOf(stripeEvent('checkout.session.async_payment_failed', session))).toEqual({
      kind: 'payment_failed',
      orderId,
      sessionId: session.id,
    });
  });

  it('reads charge.refunded with the running refunded total and the order from the charge metadata', () => {
    const orderId = randomUUID();
    const charge = refundedCharge({ orderId, paymentIntent: 'pi_9', amount: 7400, amountRefunded: 2000 });
    expect(signalOf(stripeEvent('charge.refunded', charge))).toEqual({
      kind: 'charge_refunded',
      orderId,
      chargeId: charge.id,
      paymentIntentId: 'pi_9',
      amountRefundedCents: 2000,
      currency: 'usd',
    });
  });

  it('leaves the order of a charge without metadata to be found by its payment intent', () => {
    const charge = refundedCharge({ paymentIntent: 'pi_9', amount: 7400, amountRefunded: 7400 });
    expect(signalOf(stripeEvent('charge.refunded', charge))).toMatchObject({
      kind: 'charge_refunded',
      orderId: null,
      paymentIntentId: 'pi_9',
    });
  });

  it.each(['refund.failed', 'refund.updated', 'charge.refund.updated'])(
    'reads a failed refund in %s, with its order from our metadata and Stripe’s reason',
    (type) => {
      const orderId = randomUUID();
      const refund = refundObject({
        orderId,
        paymentIntent: 'pi_9',
        amount: 7400,
        status: 'failed',
        failureReason: 'lost_or_stolen_card',
      });
      expect(signalOf(stripeEvent(type, refund))).toEqual({
        kind: 'refund_failed',
        orderId,
        refundId: refund.id,
        paymentIntentId: 'pi_9',
        amountCents: 7400,
        currency: 'usd',
        reason: 'lost_or_stolen_card',
      });
    },
  );

  it('ignores an update of a refund that did not fail, such as Stripe’s own fixture refund', () => {
    const refund = refundFixture();
    expect(signalOf(stripeEvent('refund.updated', refund))).toEqual({
      kind: 'ignored',
      reason: `refund ${refund.id} is succeeded: only a failed refund changes the order`,
    });
  });

  it('reads a dispute’s evidence deadline from Unix seconds, and a closed dispute’s final status', () => {
    const opened = disputeObject({
      paymentIntent: 'pi_9',
      amount: 7400,
      status: 'needs_response',
      dueBy: 1_767_225_599,
    });
    expect(signalOf(stripeEvent('charge.dispute.created', opened))).toEqual({
      kind: 'dispute',
      phase: 'opened',
      orderId: null,
      disputeId: opened.id,
      paymentIntentId: 'pi_9',
      amountCents: 7400,
      currency: 'usd',
      reason: 'fraudulent',
      status: 'needs_response',
      evidenceDueBy: new Date('2025-12-31T23:59:59.000Z'),
    });
    const closed = disputeObject({ paymentIntent: 'pi_9', amount: 7400, status: 'won', dueBy: null });
    expect(signalOf(stripeEvent('charge.dispute.closed', closed))).toMatchObject({
      kind: 'dispute',
      phase: 'closed',
      status: 'won',
      evidenceDueBy: null,
    });
  });

  it('ignores event types it does not handle, such as the fixture’s plan.created', () => {
    const event = stripeEvent('plan.created', { id: 'price_1' });
    expect(signalOf(event)).toEqual({ kind: 'ignored', reason: 'event type plan.created is not handled' });
  });
});

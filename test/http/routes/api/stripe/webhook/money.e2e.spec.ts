import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inboxStreamId } from '../../../../../../src/webhooks/inbox.ts';
import { graphql, type Json, waitFor } from '../../../../../support/http.ts';
import { placeRestOrder, sessionCompleted } from '../../../../../support/rest-order.ts';
import { perSuite } from '../../../../../support/suite.ts';
import { openStack, ORDER_TOTAL_CENTS } from '../../../../../support/stack.ts';
import { deliver } from '../../../../../webhooks/deliver.ts';
import {
  checkoutSession,
  disputeObject,
  refundedCharge,
  refundObject,
  stripeEvent,
} from '../../../../../webhooks/stripe-fixtures.ts';

/** What operators and owners read about an order's money, through GraphQL. */
const ORDER_MONEY = `query Money($id: ID!) {
  order(id: $id) {
    version
    payment { paidCents paidAt currency refundedCents refundRequested refundFailed refundFailureReason lastPaymentFailure }
    flags { paymentMismatch refunded refundFailed refundExcess disputed disputeEvidenceDueBy disputeStatus }
    events { message actor { type } }
  }
}`;

interface MoneyView {
  readonly version: number;
  readonly payment: Record<string, unknown>;
  readonly flags: Record<string, unknown>;
  readonly events: readonly { readonly message: string; readonly actor: { readonly type: string } }[];
}

interface PaidOrder {
  readonly orderId: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly paymentIntent: string;
}

describe('the money Stripe reports after a payment', () => {
  const stack = perSuite(() => openStack({ payments: 'stripe' }));

  /** A draft order placed over REST, with its Checkout session; paid through the signed webhook unless `paid` is false. */
  async function placeOrder(paid = true): Promise<PaidOrder> {
    const order = {
      ...(await placeRestOrder(stack)),
      paymentIntent: `pi_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    };
    if (paid) {
      const answer = await deliver(stack.url, sessionCompleted(order, order.paymentIntent));
      expect(answer.body).toMatchObject({ outcome: 'applied', reason: 'PaymentConfirmed' });
    }
    return order;
  }

  /** The order as GraphQL shows it once the read model has every event the order has now. */
  async function shown(orderId: string): Promise<MoneyView> {
    const target = (await stack.orderEvents(orderId)).length;
    return waitFor(async () => {
      const answer = await graphql(stack.url, ORDER_MONEY, { token: stack.operator, variables: { id: orderId } });
      expect(answer.body.errors).toBeUndefined();
      const order = answer.body.data.order as MoneyView;
      expect(order.version).toBe(target);
      return order;
    });
  }

  /**
   * Events written by webhook deliveries: the order streams' and the inbox's, not the refund
   * reactor's requests, which it records for earlier tests' canceled orders whenever it gets to them.
   */
  const deliveryEventCount = async (): Promise<number> =>
    Number(
      (
        await stack.db.pool.query<{ n: string }>(
          `select count(*)::text as n from es_events where stream_id like 'order-%' or stream_id like 'stripe_event-%'`,
        )
      ).rows[0]?.n ?? 0,
    );
  const inboxRecord = async (eventId: string): Promise<Json> =>
    (await stack.store.readStream(inboxStreamId(eventId))).events[0]?.data;

  it('records a refunded total above the payment as the payment, and flags the excess for operators', async () => {
    const order = await placeOrder();
    const charge = refundedCharge({
      orderId: order.orderId,
      paymentIntent: order.paymentIntent,
      amount: ORDER_TOTAL_CENTS,
      amountRefunded: 10 ** 12,
    });
    const event = stripeEvent('charge.refunded', charge);
    const answer = await deliver(stack.url, event);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      outcome: 'applied',
      reason: expect.stringContaining('excess is flagged for operators'),
    });
    const view = await shown(order.orderId);
    expect(view.payment).toMatchObject({
      paidCents: ORDER_TOTAL_CENTS,
      currency: 'usd',
      refundedCents: ORDER_TOTAL_CENTS,
      refundFailed: false,
    });
    expect(view.flags).toMatchObject({ refunded: true, refundExcess: true, paymentMismatch: false, disputed: false });
    expect(view.events.at(-1)).toEqual({
      message:
        'Stripe reported 10000000000.00 USD refunded, more than the 90.00 USD paid; the excess was not recorded; flagged for review',
      actor: { type: 'STRIPE' },
    });

    // Repeats: the same delivery, and the same total under another event id, write nothing.
    const before = await deliveryEventCount();
    expect((await deliver(stack.url, event)).body).toMatchObject({ duplicate: true });
    const again = await deliver(stack.url, stripeEvent('charge.refunded', charge));
    expect(again.body).toMatchObject({
      duplicate: false,
      outcome: 'ignored',
      reason: expect.stringContaining('already applied'),
    });
    expect(await deliveryEventCount()).toBe(before + 1); // the second event's inbox record only
  });

  it('ignores a completed session that is not the order’s own: 200, recorded as ignored, the order stays draft', async () => {
    const order = await placeOrder(false);
    const before = (await stack.orderEvents(order.orderId)).length;
    for (const type of ['checkout.session.completed', 'checkout.session.async_payment_succeeded']) {
      const event = stripeEvent(
        type,
        checkoutSession({ ...order, sessionId: 'cs_test_someone_elses', amountTotal: ORDER_TOTAL_CENTS }),
      );
      const answer = await deliver(stack.url, event);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        outcome: 'ignored',
        reason: expect.stringContaining(
          `Checkout session cs_test_someone_elses is not this order's (it opened ${order.sessionId})`,
        ),
      });
      expect(await inboxRecord(event.id)).toMatchObject({
        outcome: 'ignored',
        orderId: order.orderId,
        orderEvents: [],
      });
    }
    expect(await stack.orderEvents(order.orderId)).toHaveLength(before);
    expect((await stack.commands.load(order.orderId)).state?.orderStatus).toBe('draft');
  });

  it('ignores the expiry of a session that is not the order’s own: the draft stays payable', async () => {
    const order = await placeOrder(false);
    const before = (await stack.orderEvents(order.orderId)).length;
    const event = stripeEvent(
      'checkout.session.expired',
      checkoutSession({ ...order, sessionId: 'cs_test_someone_elses', paymentStatus: 'unpaid', status: 'expired' }),
    );
    const answer = await deliver(stack.url, event);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining(
        `Checkout session cs_test_someone_elses is not this order's (it opened ${order.sessionId})`,
      ),
    });
    expect(await stack.orderEvents(order.orderId)).toHaveLength(before);
    expect((await stack.commands.load(order.orderId)).state?.orderStatus).toBe('draft');
  });

  it('ignores a refund, a failed refund and a dispute of another payment intent: no money fact changes', async () => {
    const order = await placeOrder();
    const before = (await stack.orderEvents(order.orderId)).length;
    const other = 'pi_someone_elses';
    const events = [
      stripeEvent(
        'charge.refunded',
        refundedCharge({
          orderId: order.orderId,
          paymentIntent: other,
          amount: ORDER_TOTAL_CENTS,
          amountRefunded: ORDER_TOTAL_CENTS,
        }),
      ),
      stripeEvent(
        'refund.failed',
        refundObject({
          orderId: order.orderId,
          paymentIntent: other,
          amount: ORDER_TOTAL_CENTS,
          status: 'failed',
          failureReason: 'lost_or_stolen_card',
        }),
      ),
    ];
    for (const event of events) {
      const answer = await deliver(stack.url, event);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        outcome: 'ignored',
        reason: expect.stringContaining(
          `payment intent ${other} does not apply: it is not the payment intent that paid this order (${order.paymentIntent})`,
        ),
      });
      expect(await inboxRecord(event.id)).toMatchObject({ outcome: 'ignored', orderId: order.orderId });
    }
    expect(await stack.orderEvents(order.orderId)).toHaveLength(before);
    const view = await shown(order.orderId);
    expect(view.payment).toMatchObject({ paidCents: ORDER_TOTAL_CENTS, refundedCents: 0, refundFailed: false });
    expect(view.flags).toMatchObject({ refunded: false, refundFailed: false, refundExcess: false, disputed: false });
  });

  it.each([
    ['refund.failed', 'refund.updated'],
    ['refund.updated', 'refund.failed'],
  ])(
    'shows a refund that failed after it was recorded (%s, then %s for the same refund changes nothing)',
    async (first, second) => {
      const order = await placeOrder();
      const cancel = await graphql(
        stack.url,
        'mutation($id: ID!) { cancelOrder(id: $id, reason: "Customer asked") { id } }',
        { token: stack.operator, variables: { id: order.orderId } },
      );
      expect(cancel.body.errors).toBeUndefined();
      const charge = refundedCharge({
        orderId: order.orderId,
        paymentIntent: order.paymentIntent,
        amount: ORDER_TOTAL_CENTS,
        amountRefunded: ORDER_TOTAL_CENTS,
      });
      expect((await deliver(stack.url, stripeEvent('charge.refunded', charge))).body).toMatchObject({
        outcome: 'applied',
        reason: 'RefundRecorded',
      });
      const recorded = await shown(order.orderId);
      expect(recorded.payment).toMatchObject({
        refundedCents: ORDER_TOTAL_CENTS,
        refundRequested: false,
        refundFailed: false,
      });

      const refund = refundObject({
        orderId: order.orderId,
        paymentIntent: order.paymentIntent,
        amount: ORDER_TOTAL_CENTS,
        status: 'failed',
        failureReason: 'expired_or_canceled_card',
      });
      expect((await deliver(stack.url, stripeEvent(first, refund))).body).toMatchObject({
        outcome: 'applied',
        reason: 'RefundFailed',
      });
      const failed = await shown(order.orderId);
      expect(failed.payment).toMatchObject({
        refundedCents: 0,
        refundRequested: true,
        refundFailed: true,
        refundFailureReason: 'expired_or_canceled_card',
      });
      expect(failed.flags).toMatchObject({ refundFailed: true, refunded: false });
      expect(failed.events.at(-1)).toEqual({
        message: 'Refund of 90.00 USD failed: expired_or_canceled_card',
        actor: { type: 'STRIPE' },
      });

      // The order's own stream: the refund reactor records its request for this canceled order in a
      // stream of its own whenever it gets to it, so a count of every event would race it.
      const before = (await stack.orderEvents(order.orderId)).length;
      const repeat = await deliver(stack.url, stripeEvent(second, refund));
      expect(repeat.body).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('already applied') });
      expect((await stack.orderEvents(order.orderId)).length).toBe(before);
    },
  );

  it('ignores a refund update that is not a failure', async () => {
    const order = await placeOrder();
    const refund = refundObject({
      orderId: order.orderId,
      paymentIntent: order.paymentIntent,
      amount: ORDER_TOTAL_CENTS,
      status: 'succeeded',
    });
    const answer = await deliver(stack.url, stripeEvent('refund.updated', refund));
    expect(answer.body).toMatchObject({
      outcome: 'ignored',
      reason: `refund ${refund.id} is succeeded: only a failed refund changes the order`,
    });
  });

  it('flags an opened dispute with its evidence deadline, then clears it when closed and keeps the final status', async () => {
    const order = await placeOrder();
    const dueBy = Math.floor(Date.UTC(2026, 11, 24, 23, 59, 59) / 1000);
    const opened = stripeEvent(
      'charge.dispute.created',
      disputeObject({
        id: 'dp_test_money_1',
        paymentIntent: order.paymentIntent,
        amount: ORDER_TOTAL_CENTS,
        status: 'needs_response',
        dueBy,
      }),
    );
    // Disputes carry no metadata of ours: the order is found by its payment intent in the read model.
    await shown(order.orderId);
    expect((await deliver(stack.url, opened)).body).toMatchObject({ outcome: 'applied', reason: 'DisputeOpened' });
    const open = await shown(order.orderId);
    expect(open.flags).toMatchObject({
      disputed: true,
      disputeEvidenceDueBy: '2026-12-24T23:59:59.000Z',
      disputeStatus: 'needs_response',
    });
    expect(open.events.at(-1)).toEqual({
      message:
        'Payment of 90.00 USD disputed (fraudulent); evidence due by 2026-12-24T23:59:59.000Z; flagged for review',
      actor: { type: 'STRIPE' },
    });

    const closedEvent = stripeEvent(
      'charge.dispute.closed',
      disputeObject({
        id: 'dp_test_money_1',
        paymentIntent: order.paymentIntent,
        amount: ORDER_TOTAL_CENTS,
        status: 'lost',
        dueBy,
      }),
    );
    expect((await deliver(stack.url, closedEvent)).body).toMatchObject({ outcome: 'applied', reason: 'DisputeClosed' });
    const closed = await shown(order.orderId);
    expect(closed.flags).toMatchObject({ disputed: false, disputeEvidenceDueBy: null, disputeStatus: 'lost' });
    expect(closed.events.at(-1)).toEqual({ message: 'Dispute closed: lost', actor: { type: 'STRIPE' } });

    // Repeats of either, as the same delivery or under a new event id, change nothing.
    const before = await deliveryEventCount();
    expect((await deliver(stack.url, opened)).body).toMatchObject({ duplicate: true });
    expect((await deliver(stack.url, closedEvent)).body).toMatchObject({ duplicate: true });
    expect(
      (await deliver(stack.url, stripeEvent('charge.dispute.closed', closedEvent.data.object))).body,
    ).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('already applied') });
    expect(await deliveryEventCount()).toBe(before + 1);
    expect((await shown(order.orderId)).flags).toEqual(closed.flags);
  });

  it('follows an open dispute as Stripe updates it, and ignores updates that change nothing or come after the close', async () => {
    const order = await placeOrder();
    const dispute = (status: string, dueBy: number) =>
      disputeObject({
        id: 'dp_test_money_2',
        paymentIntent: order.paymentIntent,
        amount: ORDER_TOTAL_CENTS,
        status,
        dueBy,
      });
    const firstDue = Math.floor(Date.UTC(2026, 11, 24, 23, 59, 59) / 1000);
    const laterDue = Math.floor(Date.UTC(2026, 11, 31, 23, 59, 59) / 1000);
    await shown(order.orderId);
    await deliver(stack.url, stripeEvent('charge.dispute.created', dispute('needs_response', firstDue)));

    const updated = await deliver(stack.url, stripeEvent('charge.dispute.updated', dispute('under_review', laterDue)));
    expect(updated.body).toMatchObject({ outcome: 'applied', reason: 'DisputeUpdated' });
    const reviewed = await shown(order.orderId);
    expect(reviewed.flags).toMatchObject({
      disputed: true,
      disputeEvidenceDueBy: '2026-12-31T23:59:59.000Z',
      disputeStatus: 'under_review',
    });
    expect(reviewed.events.at(-1)).toEqual({
      message: 'Dispute under review; evidence due by 2026-12-31T23:59:59.000Z',
      actor: { type: 'STRIPE' },
    });

    const events = (await stack.orderEvents(order.orderId)).length;
    const same = await deliver(stack.url, stripeEvent('charge.dispute.updated', dispute('under_review', laterDue)));
    expect(same.body).toMatchObject({ outcome: 'ignored' });
    await deliver(stack.url, stripeEvent('charge.dispute.closed', dispute('won', laterDue)));
    const late = await deliver(stack.url, stripeEvent('charge.dispute.updated', dispute('under_review', laterDue)));
    expect(late.body).toMatchObject({ outcome: 'ignored' });
    expect(await stack.orderEvents(order.orderId)).toHaveLength(events + 1); // the close only
    expect((await shown(order.orderId)).flags).toMatchObject({ disputed: false, disputeStatus: 'won' });
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ORDER_EVENT_TYPES,
  OrderEventSchema,
  PRIORITIES,
  TECHNIQUES,
  ORDER_STATES,
  decide,
  evolve,
  type Order,
  type OrderCommand,
  type OrderEvent,
} from '../../../src/domain/order/index.ts';
import { createCommand, ev, GARMENT, hoursLater, operator, owner, stripe, TOTAL_CENTS } from './fixtures.ts';

/** Decides and folds each command in turn (as the command handler does), keeping every event. */
function live(commands: readonly ((orderId: string, now: Date) => OrderCommand)[]): OrderEvent[] {
  const orderId = randomUUID();
  let state: Order | null = null;
  const events: OrderEvent[] = [];
  commands.forEach((command, step) => {
    for (const event of decide(command(orderId, hoursLater(step)), state)) {
      events.push(event);
      state = evolve(state, event);
    }
  });
  return events;
}

const as = (actor: typeof owner) => (orderId: string, now: Date) => ({ orderId, now, actor });
const TOKEN = 'a'.repeat(22);

/** One order through every event the decider emits, and a second one canceled. */
const everyEvent = (): OrderEvent[] => [
  ...live([
    (orderId, now) =>
      createCommand({
        orderId,
        now,
        metadata: { source: 'gallery' },
        projectId: randomUUID(),
        lineItemIds: [randomUUID(), randomUUID()],
      }),
    (orderId, now) => ({
      type: 'OpenCheckoutSession',
      ...as(owner)(orderId, now),
      sessionId: 'cs_1',
      checkoutUrl: 'https://checkout.example.com/cs_1',
      simulated: false,
    }),
    (orderId, now) => ({
      type: 'FailPayment',
      ...as(stripe)(orderId, now),
      sessionId: 'cs_1',
      reason: 'card declined',
      stripeEventId: 'evt_1',
    }),
    (orderId, now) => ({
      type: 'ConfirmPayment',
      ...as(stripe)(orderId, now),
      sessionId: 'cs_1',
      paymentIntentId: 'pi_1',
      amountCents: 1,
      currency: 'usd',
      stripeEventId: 'evt_2',
    }),
    (orderId, now) => ({
      type: 'ConfirmPayment',
      ...as(stripe)(orderId, now),
      sessionId: 'cs_1',
      paymentIntentId: 'pi_1',
      amountCents: TOTAL_CENTS,
      currency: 'usd',
      stripeEventId: 'evt_3',
    }),
    (orderId, now) => ({
      type: 'SetPriority',
      ...as(operator)(orderId, now),
      priority: 'hold',
      reason: 'Artwork check',
    }),
    (orderId, now) => ({ type: 'SetPriority', ...as(operator)(orderId, now), priority: 'rush' }),
    (orderId, now) => ({ type: 'SetOrderStatus', ...as(operator)(orderId, now), to: 'approved' }),
    (orderId, now) => ({
      type: 'SetOrderStatus',
      ...as(operator)(orderId, now),
      to: 'in_production',
      message: 'On press 2',
    }),
    (orderId, now) => ({ type: 'UpdateNotes', ...as(operator)(orderId, now), notes: 'Pack in pairs' }),
    (orderId, now) => ({
      type: 'PostMessage',
      ...as(operator)(orderId, now),
      message: 'Ink arrives tomorrow',
      idempotencyKey: 'msg-1',
    }),
    (orderId, now) => ({ type: 'IssueTrackingLink', ...as(owner)(orderId, now), token: TOKEN }),
    (orderId, now) => ({ type: 'RevokeTrackingLink', ...as(operator)(orderId, now), token: 'b'.repeat(22) }),
    (orderId, now) => ({
      type: 'SetOrderStatus',
      ...as(operator)(orderId, now),
      to: 'fulfilled',
      trackingNumber: '1Z999',
      trackingUrl: 'https://ups.example.com/1Z999',
      carrier: 'UPS',
    }),
    (orderId, now) => ({
      type: 'RecordRefund',
      ...as(stripe)(orderId, now),
      chargeId: 'ch_1',
      paymentIntentId: 'pi_1',
      amountRefundedCents: TOTAL_CENTS + 100,
      currency: 'usd',
      stripeEventId: 'evt_4',
    }),
    (orderId, now) => ({
      type: 'RecordRefundFailure',
      ...as(stripe)(orderId, now),
      refundId: 're_1',
      paymentIntentId: 'pi_1',
      amountCents: 500,
      currency: 'usd',
      reason: null,
      stripeEventId: 'evt_5',
    }),
    (orderId, now) => ({
      type: 'RecordDispute',
      ...as(stripe)(orderId, now),
      phase: 'opened',
      disputeId: 'dp_1',
      paymentIntentId: 'pi_1',
      amountCents: TOTAL_CENTS,
      currency: 'usd',
      reason: 'fraudulent',
      status: 'needs_response',
      evidenceDueBy: hoursLater(200),
      stripeEventId: 'evt_6',
    }),
    (orderId, now) => ({
      type: 'RecordDispute',
      ...as(stripe)(orderId, now),
      phase: 'updated',
      disputeId: 'dp_1',
      paymentIntentId: 'pi_1',
      amountCents: TOTAL_CENTS,
      currency: 'usd',
      reason: 'fraudulent',
      status: 'under_review',
      evidenceDueBy: hoursLater(300),
      stripeEventId: 'evt_6u',
    }),
    (orderId, now) => ({
      type: 'RecordDispute',
      ...as(stripe)(orderId, now),
      phase: 'closed',
      disputeId: 'dp_1',
      paymentIntentId: 'pi_1',
      amountCents: TOTAL_CENTS,
      currency: 'usd',
      reason: null,
      status: 'won',
      evidenceDueBy: null,
      stripeEventId: 'evt_7',
    }),
  ]),
  ...live([
    (orderId, now) => createCommand({ orderId, now }),
    (orderId, now) => ({ type: 'CancelOrder', ...as(owner)(orderId, now), reason: 'changed plans' }),
  ]),
];

describe('order events as schemas', () => {
  it('defines every event the decider emits, field for field, as it reads back from the store', () => {
    const events = everyEvent();
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(ORDER_EVENT_TYPES));
    for (const event of events) {
      const stored: unknown = JSON.parse(JSON.stringify(event));
      // zod drops fields a schema does not name: equal means the schema names every field written.
      expect(OrderEventSchema.parse(stored), event.type).toEqual(event);
    }
  });

  it('accepts the hand-written histories the domain tests fold', () => {
    for (const event of [
      ev.created('hold'),
      ev.checkoutOpened(),
      ev.paid(),
      ev.priority('standard', 'hold', 1),
      ev.approved(),
      ev.started(),
      ev.fulfilled(),
      ev.canceled(owner, true),
    ]) {
      expect(OrderEventSchema.safeParse(event).success, event.type).toBe(true);
    }
  });

  it('refuses an event that breaks its shape, naming each field at fault', () => {
    const paths = (value: unknown) =>
      OrderEventSchema.safeParse(value).error?.issues.map((issue) => issue.path.join('.'));
    const created = ev.created();
    expect(paths({ ...ev.priority('standard', 'hold', 1), to: 'urgent' })).toEqual(['to']);
    expect(paths({ ...ev.approved(), actor: { type: 'robot', id: 'r2' }, at: 'yesterday' })).toEqual([
      'actor.type',
      'at',
    ]);
    expect(
      paths({
        ...created,
        userId: 'not-a-uuid',
        garment: { ...GARMENT, priceCents: 18.5 },
        lineItems: [{ ...(created.type === 'OrderCreated' && created.lineItems[0]), quantity: '3' }],
      }),
    ).toEqual(['userId', 'garment.priceCents', 'lineItems.0.quantity']);
    expect(paths({ ...ev.fulfilled(), trackingUrl: undefined })).toEqual(['trackingUrl']);
    expect(paths({ ...ev.paid(), type: 'GiftWrapped' })).toEqual(['type']);
  });

  it('keeps the lists of priorities, techniques and states the forms and filters read', () => {
    expect(PRIORITIES).toEqual(['rush', 'standard', 'hold']);
    expect(TECHNIQUES).toEqual(['dtg', 'screen', 'embroidery']);
    expect(ORDER_STATES).toEqual(['draft', 'submitted', 'approved', 'in_production', 'fulfilled', 'canceled']);
  });
});

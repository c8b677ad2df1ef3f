import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/eventstore/eventStore.ts';
import { PAYMENT_CONFIRMED_MESSAGE } from '../../../src/domain/order/index.ts';
import { foldOrderEvents } from '../../../src/projections/orders/fold.ts';
import { RebuildStoppedError } from '../../../src/projections/engine/projection.ts';
import { fromOrderRecord, toOrderRecord, type ProjectedOrder } from '../../../src/projections/orders/records.ts';

const orderId = randomUUID();
const userId = randomUUID();
const customer = { type: 'customer', id: userId };
const operator = { type: 'operator', id: randomUUID() };
const stripe = { type: 'stripe', id: 'stripe' };
const at = (hours: number) => new Date(Date.UTC(2025, 2, 3, 9) + hours * 3_600_000).toISOString();

let position = 100n;
const recorded = (version: number, type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: randomUUID(),
  type,
  data: { orderId, ...data },
  metadata: {},
  streamId: `order-${orderId}`,
  streamVersion: version,
  position: { commit: (position += 1n), prepare: position * 10n },
  recordedAt: new Date(),
});

const history = [
  recorded(1, 'OrderCreated', {
    actor: customer,
    at: at(0),
    reference: 'PO-000042',
    userId,
    projectId: null,
    garment: { id: 'classic-tee', title: 'Classic Cotton Tee', priceCents: 1800, sizes: ['M', 'L'], imageUrl: null },
    designUrl: 'https://cdn.example.com/fox.png',
    prompt: 'a fox',
    notes: null,
    priority: 'standard',
    holdReason: null,
    lineItems: [
      { id: randomUUID(), size: 'M', quantity: 3, technique: 'dtg', unitPriceCents: 1800 },
      { id: randomUUID(), size: 'L', quantity: 1, technique: 'screen', unitPriceCents: 1800 },
    ],
    totalCents: 7200,
    currency: 'usd',
    metadata: { source: 'gallery' },
  }),
  recorded(2, 'CheckoutSessionOpened', {
    actor: { type: 'system', id: 'checkout' },
    at: at(0),
    sessionId: 'cs_1',
    checkoutUrl: 'https://checkout/cs_1',
    simulated: true,
  }),
  recorded(3, 'PaymentConfirmed', {
    actor: stripe,
    at: at(1),
    sessionId: 'cs_1',
    paymentIntentId: 'pi_1',
    amountCents: 7200,
    currency: 'usd',
    stripeEventId: 'evt_1',
  }),
  recorded(4, 'PriorityChanged', { actor: operator, at: at(2), from: 'standard', to: 'hold', reason: 'Artwork check' }),
  recorded(5, 'PriorityChanged', { actor: operator, at: at(26), from: 'hold', to: 'rush', reason: null }),
  recorded(6, 'SpecApproved', { actor: operator, at: at(27), message: null }),
];

const fold = (events: readonly RecordedEvent[], state = new Map<string, ProjectedOrder>()) => ({
  state,
  outcome: foldOrderEvents(state, events, 'continuous'),
});

describe('the orders projection (pure)', () => {
  it("writes one timeline entry per event, with the status label the order was left in and the seed's payment message", () => {
    const { outcome } = fold(history);
    expect(outcome.timeline.map((e) => [e.stream_version, e.status, e.event_type])).toEqual([
      [1, 'Spec Review', 'OrderCreated'],
      [2, 'Spec Review', 'CheckoutSessionOpened'],
      [3, 'Queued', 'PaymentConfirmed'],
      [4, 'Queued', 'PriorityChanged'],
      [5, 'Queued', 'PriorityChanged'],
      [6, 'Printing', 'SpecApproved'],
    ]);
    expect(outcome.timeline[2]).toMatchObject({
      message: PAYMENT_CONFIRMED_MESSAGE,
      actor_type: 'stripe',
      actor_id: 'stripe',
      occurred_at: at(1),
    });
    expect(outcome.lineItems.map((i) => [i.line_no, i.size, i.quantity, i.technique])).toEqual([
      [1, 'M', 3, 'dtg'],
      [2, 'L', 1, 'screen'],
    ]);
    expect(outcome.deadLetters).toEqual([]);
  });

  it('keeps the order row: state, version, position, payment and the ETA moved by the hold', () => {
    const { outcome } = fold(history);
    const row = toOrderRecord(outcome.changed.get(orderId)!);
    expect(row).toMatchObject({
      status: 'approved',
      priority: 'rush',
      hold_reason: null,
      version: 6,
      total_cents: '7200',
      stripe_payment_intent_id: 'pi_1',
      paid_at: at(1),
      submitted_at: at(1),
      approved_at: at(27),
    });
    expect(row.position_commit).toBe(history[5]!.position.commit.toString());
    // Paid at +1 h, held 24 h, then rush: 2 days after payment plus the day on hold.
    expect(row.eta_at).toBe(new Date(Date.parse(at(1)) + 3 * 86_400_000).toISOString());
  });

  it('keeps the active tracking link on the row, and never its token in the timeline', () => {
    const first = 'k3Jd9s0QpLx7VbN2mZr8TgYwHc5AeF1u';
    const second = 'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCv';
    const linked = [
      ...history,
      recorded(7, 'TrackingLinkIssued', { actor: customer, at: at(28), token: first }),
      recorded(8, 'TrackingLinkRevoked', { actor: operator, at: at(29), token: first }),
      recorded(9, 'TrackingLinkIssued', { actor: operator, at: at(29), token: second }),
    ];
    const { outcome } = fold(linked);
    expect(toOrderRecord(outcome.changed.get(orderId)!).public_tracking_token).toBe(second);
    expect(outcome.timeline.slice(6).map((e) => [e.message, e.metadata])).toEqual([
      ['Public tracking link issued', {}],
      ['Public tracking link revoked', {}],
      ['Public tracking link issued', {}],
    ]);
    // Continuing from the stored row keeps it too.
    const { state } = fold(linked.slice(0, 7));
    const reloaded = new Map([
      [orderId, fromOrderRecord(JSON.parse(JSON.stringify(toOrderRecord(state.get(orderId)!))))],
    ]);
    expect(reloaded.get(orderId)!.order.trackingToken).toBe(first);
  });

  it('keeps when the order went on hold: a new reason keeps the instant, a release clears it, a row continues it', () => {
    // history: v4 puts the paid order on hold at hour 2, v5 releases it to rush.
    const newReason = recorded(5, 'PriorityChanged', {
      actor: operator,
      at: at(3),
      from: 'hold',
      to: 'hold',
      reason: 'Waiting for the customer',
    });
    const heldAt = (events: readonly RecordedEvent[]) => toOrderRecord(fold(events).state.get(orderId)!).held_at;
    expect(heldAt(history.slice(0, 3))).toBeNull();
    expect(heldAt(history.slice(0, 4))).toBe(at(2));
    expect(heldAt([...history.slice(0, 4), newReason])).toBe(at(2));
    expect(heldAt(history)).toBeNull();
    // From the stored row, as the live projector continues in a later batch.
    const stored = toOrderRecord(fold(history.slice(0, 4)).state.get(orderId)!);
    const reloaded = new Map([[orderId, fromOrderRecord(JSON.parse(JSON.stringify(stored)))]]);
    const continued = foldOrderEvents(reloaded, [newReason], 'continuous').changed.get(orderId)!;
    expect(toOrderRecord(continued).held_at).toBe(at(2));
  });

  it('applies an event once: a replay of anything already applied changes nothing', () => {
    const { state } = fold(history);
    const again = foldOrderEvents(state, history, 'continuous');
    expect(again.changed.size).toBe(0);
    expect(again.timeline).toEqual([]);
    expect(again.deadLetters).toEqual([]);
  });

  it('continues from a stored row exactly as from memory', () => {
    const { state } = fold(history.slice(0, 4));
    const reloaded = new Map([
      [orderId, fromOrderRecord(JSON.parse(JSON.stringify(toOrderRecord(state.get(orderId)!))))],
    ]);
    const fromRow = foldOrderEvents(reloaded, history.slice(4), 'continuous');
    const inMemory = fold(history).outcome;
    expect(toOrderRecord(fromRow.changed.get(orderId)!)).toEqual(toOrderRecord(inMemory.changed.get(orderId)!));
  });

  it('keeps Stripe’s money flags on the row and continues from a stored row as from memory after each of them', () => {
    const money = [
      recorded(7, 'RefundRecorded', {
        actor: stripe,
        at: at(30),
        chargeId: 'ch_1',
        amountRefundedCents: 7200,
        currency: 'usd',
        stripeEventId: 'evt_r',
      }),
      recorded(8, 'RefundExcessFlagged', {
        actor: stripe,
        at: at(30),
        chargeId: 'ch_1',
        reportedRefundedCents: 1e12,
        paidCents: 7200,
        currency: 'usd',
        stripeEventId: 'evt_r',
      }),
      recorded(9, 'RefundFailed', {
        actor: stripe,
        at: at(40),
        refundId: 're_1',
        amountCents: 7200,
        currency: 'usd',
        reason: 'expired_or_canceled_card',
        stripeEventId: 'evt_f',
      }),
      recorded(10, 'DisputeOpened', {
        actor: stripe,
        at: at(50),
        disputeId: 'dp_1',
        amountCents: 7200,
        currency: 'usd',
        reason: 'fraudulent',
        status: 'needs_response',
        evidenceDueBy: at(200),
        stripeEventId: 'evt_d',
      }),
      recorded(11, 'DisputeClosed', {
        actor: stripe,
        at: at(300),
        disputeId: 'dp_1',
        status: 'won',
        stripeEventId: 'evt_c',
      }),
    ];
    const all = [...history, ...money];
    const rows = all.map((_, end) => toOrderRecord(fold(all.slice(0, end + 1)).state.get(orderId)!));
    expect(rows[9]).toMatchObject({
      refunded_cents: '0',
      refund_excess: true,
      refund_failed: true,
      refund_failure_reason: 'expired_or_canceled_card',
      disputed: true,
      dispute_status: 'needs_response',
      dispute_evidence_due_by: at(200),
    });
    expect(rows[10]).toMatchObject({
      disputed: false,
      dispute_status: 'won',
      dispute_evidence_due_by: null,
      refund_failed: true,
    });
    for (let split = history.length; split < all.length; split += 1) {
      const stored = fromOrderRecord(JSON.parse(JSON.stringify(rows[split - 1])) as ReturnType<typeof toOrderRecord>);
      const fromRow = foldOrderEvents(new Map([[orderId, stored]]), all.slice(split), 'continuous');
      expect(toOrderRecord(fromRow.changed.get(orderId)!), `from v${split}`).toEqual(rows.at(-1));
    }
  });

  it('dead-letters odd data and a gap, moving the version past them so later events apply; a rebuild stops instead', () => {
    const poison = recorded(7, 'OrderFulfilled', { actor: operator, at: at(30), message: 42 });
    const later = recorded(8, 'MessagePosted', { actor: operator, at: at(31), message: 'still going' });
    const { outcome } = fold([...history, poison, later]);
    expect(outcome.deadLetters.map((l) => [l.event.streamVersion, l.error])).toEqual([
      [7, expect.stringMatching(/message is missing or malformed/)],
    ]);
    expect(outcome.changed.get(orderId)?.version).toBe(8);
    expect(outcome.timeline.at(-1)).toMatchObject({ stream_version: 8, message: 'still going' });

    const orphan = { ...later, id: randomUUID(), streamId: `order-${randomUUID()}` };
    expect(fold([orphan]).outcome.deadLetters[0]?.error).toMatch(/no read-model row/);
    expect(() => foldOrderEvents(new Map(), [...history, poison], 'strict')).toThrow(RebuildStoppedError);
  });

  it('skips an unknown event type without a timeline entry, and the next event still applies', () => {
    const unknown = recorded(7, 'GiftWrapRequested', { paper: 'gold' });
    const later = recorded(8, 'MessagePosted', { actor: operator, at: at(31), message: 'after' });
    const { outcome } = fold([...history, unknown, later]);
    expect(outcome.deadLetters).toEqual([]);
    expect(outcome.timeline.map((e) => e.stream_version)).not.toContain(7);
    expect(outcome.changed.get(orderId)?.version).toBe(8);
  });
});

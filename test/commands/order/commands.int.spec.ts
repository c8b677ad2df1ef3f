import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { etaOf } from '../../../src/domain/order/index.ts';
import { placePaidOrder } from '../../support/paid-order.ts';
import { perSuite } from '../../support/suite.ts';
import { customer, operator, orderHarness, orderInput, refusal, stripe, system, TOTAL_CENTS } from './support.ts';

const h = perSuite(orderHarness);

/** A paid order, as Stripe would leave it. */
const paidOrder = (owner = customer()) => placePaidOrder(h.orders, orderInput(), { owner });

describe('the order command service on PostgreSQL', () => {
  it('takes an order through its whole life and answers with version, position, events and state', async () => {
    const owner = customer();
    const created = await h.orders.createOrder(orderInput({ notes: 'Fold neatly' }), { actor: owner });
    expect(created.version).toBe(1);
    expect(created.state).toMatchObject({
      orderStatus: 'draft',
      ownerId: owner.id,
      totalCents: TOTAL_CENTS,
      notes: 'Fold neatly',
    });
    expect(created.state.reference).toMatch(/^PO-\d{6}$/);
    const { orderId } = created;

    await h.orders.openCheckoutSession(
      orderId,
      { sessionId: 'cs_life', checkoutUrl: 'https://checkout.example.com/cs_life', simulated: true },
      { actor: system },
    );
    h.clock.advanceHours(1);
    const paid = await h.orders.confirmPayment(
      orderId,
      {
        sessionId: 'cs_life',
        paymentIntentId: 'pi_life',
        amountCents: TOTAL_CENTS,
        currency: 'usd',
        stripeEventId: 'evt_life',
      },
      { actor: stripe },
    );
    expect(paid.state.orderStatus).toBe('submitted');
    expect(etaOf(paid.state.clock, h.clock.now()).etaDays).toBe(5);

    await h.orders.setPriority(orderId, { priority: 'hold', reason: 'Artwork check' }, { actor: operator });
    expect(await refusal(h.orders.setOrderStatus(orderId, { status: 'approved' }, { actor: operator }))).toBe(
      'ORDER_ON_HOLD',
    );
    await h.orders.setPriority(orderId, { priority: 'rush', reason: null }, { actor: operator });
    const approved = await h.orders.setOrderStatus(
      orderId,
      { status: 'approved', message: 'Looks good' },
      { actor: operator, expectedVersion: 5 },
    );
    expect(approved.version).toBe(6);
    await h.orders.setOrderStatus(orderId, { status: 'in_production' }, { actor: operator });
    await h.orders.postMessage(orderId, { message: 'Ink arrives tomorrow' }, { actor: operator });
    const fulfilled = await h.orders.setOrderStatus(
      orderId,
      { status: 'fulfilled', trackingNumber: '1Z999', carrier: 'UPS' },
      { actor: operator },
    );

    expect(fulfilled.state).toMatchObject({ orderStatus: 'fulfilled', priority: 'rush' });
    expect(fulfilled.events).toEqual([
      expect.objectContaining({ type: 'OrderFulfilled', trackingNumber: '1Z999', carrier: 'UPS', actor: operator }),
    ]);
    const stored = await h.stored(orderId);
    expect(stored.events.map((e) => [e.streamVersion, e.event?.type])).toEqual([
      [1, 'OrderCreated'],
      [2, 'CheckoutSessionOpened'],
      [3, 'PaymentConfirmed'],
      [4, 'PriorityChanged'],
      [5, 'PriorityChanged'],
      [6, 'SpecApproved'],
      [7, 'ProductionStarted'],
      [8, 'MessagePosted'],
      [9, 'OrderFulfilled'],
    ]);
    expect(fulfilled.version).toBe(9);
    const head = (await h.store.readStream(`order-${orderId}`)).events.at(-1);
    expect(fulfilled.position).toEqual(head?.position);
  });

  it('hands out references in sequence, each fixed in the first event', async () => {
    const first = await h.orders.createOrder(orderInput(), { actor: customer() });
    const second = await h.orders.createOrder(orderInput(), { actor: customer() });
    const number = (ref: string) => Number(ref.slice(3));
    expect(number(second.state.reference)).toBe(number(first.state.reference) + 1);
    expect((await h.stored(second.orderId)).events[0]?.event).toMatchObject({
      type: 'OrderCreated',
      reference: second.state.reference,
    });
  });

  it('refuses a stale expected version with VERSION_CONFLICT and writes nothing', async () => {
    const { orderId, paid } = await paidOrder();
    expect(paid.version).toBe(3);
    expect(
      await refusal(h.orders.setOrderStatus(orderId, { status: 'approved' }, { actor: operator, expectedVersion: 2 })),
    ).toBe('VERSION_CONFLICT');
    expect((await h.stored(orderId)).version).toBe(3);
    expect(
      (await h.orders.setOrderStatus(orderId, { status: 'approved' }, { actor: operator, expectedVersion: 3 })).version,
    ).toBe(4);
  });

  it('answers a repeated idempotency key as the first time, writing nothing, even with the old expected version', async () => {
    const { orderId } = await paidOrder();
    const options = { actor: operator, expectedVersion: 3, idempotencyKey: `approve-${orderId}` };
    const first = await h.orders.setOrderStatus(orderId, { status: 'approved' }, options);
    await h.orders.postMessage(orderId, { message: 'later news' }, { actor: operator });
    const again = await h.orders.setOrderStatus(orderId, { status: 'approved' }, options);
    expect(again).toEqual({ ...first, replayed: true });
    expect((await h.stored(orderId)).version).toBe(5);
  });

  it('creates one order for a repeated create key and takes no second reference', async () => {
    const owner = customer();
    const key = `create-${randomUUID()}`;
    const first = await h.orders.createOrder(orderInput(), { actor: owner, idempotencyKey: key });
    const again = await h.orders.createOrder(orderInput(), { actor: owner, idempotencyKey: key });
    expect(again).toEqual({ ...first, replayed: true });
    const next = await h.orders.createOrder(orderInput(), { actor: customer() });
    expect(Number(next.state.reference.slice(3))).toBe(Number(first.state.reference.slice(3)) + 1);
    const someoneElse = await h.orders.createOrder(orderInput(), { actor: customer(), idempotencyKey: key });
    expect(someoneElse.orderId).not.toBe(first.orderId);
  });

  it('collapses racing copies of one keyed command into one append', async () => {
    const { orderId } = await paidOrder();
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        h.orders.setOrderStatus(orderId, { status: 'approved' }, { actor: operator, idempotencyKey: 'race-approve' }),
      ),
    );
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([4]));
    expect(results.filter((r) => !r.replayed).length).toBeGreaterThanOrEqual(1);
    expect((await h.stored(orderId)).events.filter((e) => e.event?.type === 'SpecApproved')).toHaveLength(1);

    const owner = customer();
    const creates = await Promise.all(
      Array.from({ length: 8 }, () =>
        h.orders.createOrder(orderInput(), { actor: owner, idempotencyKey: 'race-create' }),
      ),
    );
    expect(new Set(creates.map((r) => r.orderId)).size).toBe(1);
    expect((await h.stored(creates[0]!.orderId)).version).toBe(1);
  });

  it('appends nothing for a refused command', async () => {
    const { orderId, owner } = await paidOrder();
    const refusals = await Promise.all([
      refusal(h.orders.setOrderStatus(orderId, { status: 'approved' }, { actor: owner })),
      refusal(h.orders.cancelOrder(orderId, { reason: null }, { actor: customer() })),
      refusal(h.orders.setOrderStatus(orderId, { status: 'fulfilled' }, { actor: operator })),
      refusal(h.orders.setOrderStatus(orderId, { status: 'submitted' }, { actor: operator })),
      refusal(h.orders.setPriority(orderId, { priority: 'hold' }, { actor: operator })),
      refusal(h.orders.postMessage(orderId, { message: 'hi' }, { actor: operator, expectedVersion: -1 })),
      refusal(h.orders.updateNotes(randomUUID(), { notes: 'x' }, { actor: operator })),
      refusal(h.orders.updateNotes('not-a-uuid', { notes: 'x' }, { actor: operator })),
      refusal(h.orders.createOrder(orderInput({ sizes: [{ size: 'XXS', quantity: 0 }] }), { actor: owner })),
    ]);
    expect(refusals).toEqual([
      'FORBIDDEN',
      'NOT_FOUND',
      'ILLEGAL_TRANSITION',
      'ILLEGAL_TRANSITION',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'NOT_FOUND',
      'NOT_FOUND',
      'BAD_USER_INPUT',
    ]);
    expect((await h.stored(orderId)).version).toBe(3);
  });

  it('answers a command with nothing to do with the current version and no events', async () => {
    const { orderId, paid } = await paidOrder();
    const same = await h.orders.setPriority(orderId, { priority: 'standard' }, { actor: operator });
    expect(same).toMatchObject({ version: 3, events: [], replayed: false, position: paid.position });
  });

  it('decides a dry run without writing', async () => {
    const { orderId } = await paidOrder();
    const dry = await h.orders.execute(
      { type: 'SetOrderStatus', orderId, actor: operator, now: h.clock.now(), to: 'approved' },
      { dryRun: true },
    );
    expect(dry.state.orderStatus).toBe('approved');
    expect(dry.version).toBe(4);
    expect((await h.stored(orderId)).version).toBe(3);
  });

  it('loads the order as its events say', async () => {
    const { orderId, paid } = await paidOrder();
    expect(await h.orders.load(orderId)).toEqual({ state: paid.state, version: 3, position: paid.position });
    expect(await h.orders.load(randomUUID())).toEqual({ state: null, version: 0, position: undefined });
  });
});

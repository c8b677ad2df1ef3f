import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.ts';
import type { OrderCommand, OrderEvent } from '../../src/domain/order/index.ts';
import type { DeliveryRecord, WebhookInbox } from '../../src/webhooks/inbox.ts';
import { createStripeEventProcessor } from '../../src/webhooks/processor.ts';
import { checkoutSession, stripeEvent } from './stripe-fixtures.ts';

/** An inbox in memory that counts its reads, with the store's first-writer-wins rule. */
function memoryInbox() {
  const records = new Map<string, DeliveryRecord>();
  let reads = 0;
  const inbox: WebhookInbox = {
    find: (id) => {
      reads++;
      return Promise.resolve(records.get(id));
    },
    record: (record) => {
      if (records.has(record.stripeEventId)) return Promise.resolve('duplicate');
      records.set(record.stripeEventId, record);
      return Promise.resolve('recorded');
    },
  };
  return { inbox, records, reads: () => reads };
}

const paid = () =>
  stripeEvent('checkout.session.completed', checkoutSession({ orderId: randomUUID(), amountTotal: 100 }));
const confirmed = (command: OrderCommand): { events: OrderEvent[] } => ({
  events: [{ type: 'PaymentConfirmed', orderId: command.orderId } as unknown as OrderEvent],
});

function processor(
  execute: (command: OrderCommand) => Promise<{ events: readonly OrderEvent[] }>,
  rememberRecorded?: number,
) {
  const memory = memoryInbox();
  const p = createStripeEventProcessor({
    inbox: memory.inbox,
    execute,
    orderIdForPaymentIntent: () => Promise.resolve(undefined),
    now: () => new Date('2026-11-25T10:00:00Z'),
    ...(rememberRecorded === undefined ? {} : { rememberRecorded }),
  });
  return { p, memory };
}

describe('the Stripe event processor', () => {
  it('applies an event once and answers a later repeat from memory, without reading the inbox', async () => {
    let runs = 0;
    const { p, memory } = processor((command) => (runs++, Promise.resolve(confirmed(command))));
    const event = paid();
    expect((await p.process(event)).status).toBe('recorded');
    const readsAfterFirst = memory.reads();
    expect(await p.process(event)).toMatchObject({
      status: 'duplicate',
      record: { outcome: 'applied', reason: 'PaymentConfirmed' },
    });
    expect(memory.reads()).toBe(readsAfterFirst);
    expect(runs).toBe(1);
  });

  it('runs concurrent deliveries of one event once', async () => {
    let runs = 0;
    const { p } = processor(async (command) => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return confirmed(command);
    });
    const event = paid();
    const results = await Promise.all(Array.from({ length: 10 }, () => p.process(event)));
    expect(runs).toBe(1);
    expect(results.filter((r) => r.status === 'recorded')).toHaveLength(1);
  });

  it('records nothing when applying fails unexpectedly, so Stripe’s retry applies it', async () => {
    let fail = true;
    const { p, memory } = processor((command) =>
      fail ? Promise.reject(new Error('database down')) : Promise.resolve(confirmed(command)),
    );
    const event = paid();
    await expect(p.process(event)).rejects.toThrow('database down');
    expect(memory.records.size).toBe(0);
    fail = false;
    expect((await p.process(event)).record.outcome).toBe('applied');
  });

  it('records a refusal of the rules as ignored, with the refusal as the reason', async () => {
    const { p, memory } = processor(() =>
      Promise.reject(new AppError('ILLEGAL_TRANSITION', 'Cannot confirm a payment: the order is canceled')),
    );
    const event = paid();
    expect((await p.process(event)).record).toMatchObject({
      outcome: 'ignored',
      reason: 'ILLEGAL_TRANSITION: Cannot confirm a payment: the order is canceled',
    });
    expect(memory.records.get(event.id)?.outcome).toBe('ignored');
  });

  it('forgets the oldest remembered event beyond its capacity and then asks the inbox', async () => {
    const { p, memory } = processor((command) => Promise.resolve(confirmed(command)), 1);
    const first = paid();
    await p.process(first);
    await p.process(paid());
    const before = memory.reads();
    expect((await p.process(first)).status).toBe('duplicate');
    expect(memory.reads()).toBe(before + 1);
  });

  it('records an unpaid completion as ignored: the order waits for the async outcome', async () => {
    let runs = 0;
    const { p } = processor((command) => (runs++, Promise.resolve(confirmed(command))));
    const event = stripeEvent(
      'checkout.session.completed',
      checkoutSession({ orderId: randomUUID(), amountTotal: 100, paymentStatus: 'unpaid' }),
    );
    expect((await p.process(event)).record).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('async_payment_succeeded'),
    });
    expect(runs).toBe(0);
  });
});

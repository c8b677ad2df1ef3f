import { describe, expect, it } from 'vitest';
import { createWebhookInbox, inboxEventId, inboxStreamId, type DeliveryRecord } from '../../src/webhooks/inbox.ts';
import { eventStoreFixture } from '../support/db.ts';
import { perSuite } from '../support/suite.ts';
import { newEventId } from './stripe-fixtures.ts';

const record = (stripeEventId: string, reason = 'PaymentConfirmed'): DeliveryRecord => ({
  stripeEventId,
  stripeEventType: 'checkout.session.completed',
  livemode: false,
  createdAt: '2026-11-25T10:00:00.000Z',
  receivedAt: '2026-11-25T10:00:01.000Z',
  orderId: null,
  outcome: 'applied',
  reason,
  orderEvents: ['PaymentConfirmed'],
});

describe('the webhook inbox on PostgreSQL', () => {
  const fx = perSuite(eventStoreFixture);

  it('records a Stripe event once and finds it again', async () => {
    const inbox = createWebhookInbox(fx.store);
    const id = newEventId();
    expect(await inbox.find(id)).toBeUndefined();
    expect(await inbox.record(record(id))).toBe('recorded');
    expect(await inbox.find(id)).toEqual(record(id));
  });

  it('answers duplicate for a second record of the same event and keeps the first', async () => {
    const inbox = createWebhookInbox(fx.store);
    const id = newEventId();
    await inbox.record(record(id, 'first'));
    expect(await inbox.record(record(id, 'second'))).toBe('duplicate');
    expect((await inbox.find(id))?.reason).toBe('first');
    expect((await fx.store.readStream(inboxStreamId(id))).version).toBe(1);
  });

  it('lets exactly one of 20 concurrent records of one event win', async () => {
    const inbox = createWebhookInbox(fx.store);
    const id = newEventId();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => inbox.record(record(id, `attempt ${i}`))));
    expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
    expect((await fx.store.readStream(inboxStreamId(id))).version).toBe(1);
  });

  it('derives one stable uuid per Stripe event id', () => {
    expect(inboxEventId('evt_1')).toBe(inboxEventId('evt_1'));
    expect(inboxEventId('evt_1')).not.toBe(inboxEventId('evt_2'));
    expect(inboxEventId('evt_1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('derives the ids it has always stored, so a retry of a delivery recorded before still matches', () => {
    // Made by the inbox's own derivation before it moved to src/commands/ids.ts.
    expect(inboxEventId('evt_1NG8Du2eZvKYlo2CUI79vXWy')).toBe('de98943f-59b7-5abf-b3b2-d4a602cccf29');
    expect(inboxEventId('evt_test_webhook_0001')).toBe('4497ea7a-4da3-5d8c-9ff4-8ce3e0756eb1');
    expect(inboxEventId('evt_3')).toBe('f2ffff64-7dcd-5836-9aec-de3c6ba76b7c');
  });

  it('refuses an event id that could not be a Stripe id', () => {
    expect(() => inboxStreamId('evt_1/../x')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

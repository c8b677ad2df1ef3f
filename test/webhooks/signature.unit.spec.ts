import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyStripeEvent } from '../../src/webhooks/signature.ts';
import { checkoutSession, signatureFor, stripeEvent } from './stripe-fixtures.ts';

const SECRET = 'whsec_unit_current';
const OLD_SECRET = 'whsec_unit_previous';
const NOW = new Date('2026-11-25T10:00:00Z');
const nowSeconds = Math.floor(NOW.getTime() / 1000);

const payload = () =>
  JSON.stringify(
    stripeEvent('checkout.session.completed', checkoutSession({ orderId: randomUUID(), amountTotal: 100 })),
    null,
    2,
  );

describe('verifying a Stripe signature', () => {
  it('accepts a delivery signed with the secret, on the exact bytes received', () => {
    const body = payload();
    const event = verifyStripeEvent(Buffer.from(body), signatureFor(body, SECRET, nowSeconds), [SECRET], NOW);
    expect(event.type).toBe('checkout.session.completed');
  });

  it('refuses the same event re-serialised differently than it was signed', () => {
    const body = payload();
    const header = signatureFor(body, SECRET, nowSeconds);
    const reserialised = JSON.stringify(JSON.parse(body));
    expect(() => verifyStripeEvent(Buffer.from(reserialised), header, [SECRET], NOW)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
  });

  it('refuses a signature made with another secret', () => {
    const body = payload();
    expect(() =>
      verifyStripeEvent(Buffer.from(body), signatureFor(body, 'whsec_forged', nowSeconds), [SECRET], NOW),
    ).toThrow(/signature/);
  });

  it('refuses a signature older than 300 seconds and accepts one just inside', () => {
    const body = payload();
    expect(() =>
      verifyStripeEvent(Buffer.from(body), signatureFor(body, SECRET, nowSeconds - 301), [SECRET], NOW),
    ).toThrow(/tolerance/);
    expect(
      verifyStripeEvent(Buffer.from(body), signatureFor(body, SECRET, nowSeconds - 299), [SECRET], NOW).id,
    ).toBeTruthy();
  });

  it('refuses a signature dated more than 300 seconds ahead', () => {
    const body = payload();
    expect(() =>
      verifyStripeEvent(Buffer.from(body), signatureFor(body, SECRET, nowSeconds + 301), [SECRET], NOW),
    ).toThrow(/future/);
  });

  it('accepts a header carrying several v1 signatures while Stripe rotates its secret', () => {
    const body = payload();
    const oldHeader = signatureFor(body, OLD_SECRET, nowSeconds);
    const newV1 = signatureFor(body, SECRET, nowSeconds)
      .split(',')
      .find((part) => part.startsWith('v1='))!;
    const rotating = `${oldHeader},${newV1}`;
    expect(verifyStripeEvent(Buffer.from(body), rotating, [SECRET], NOW).type).toBe('checkout.session.completed');
    expect(verifyStripeEvent(Buffer.from(body), rotating, [OLD_SECRET], NOW).type).toBe('checkout.session.completed');
  });

  it('accepts either of our secrets while we rotate ours', () => {
    const body = payload();
    expect(
      verifyStripeEvent(Buffer.from(body), signatureFor(body, OLD_SECRET, nowSeconds), [SECRET, OLD_SECRET], NOW).id,
    ).toBeTruthy();
  });

  it('refuses a missing header and a header without signatures', () => {
    const body = Buffer.from(payload());
    expect(() => verifyStripeEvent(body, undefined, [SECRET], NOW)).toThrow(/missing/);
    expect(() => verifyStripeEvent(body, `t=${nowSeconds}`, [SECRET], NOW)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
  });

  it('refuses a correctly signed body that is not JSON', () => {
    const body = 'not json';
    expect(() => verifyStripeEvent(Buffer.from(body), signatureFor(body, SECRET, nowSeconds), [SECRET], NOW)).toThrow(
      /not a Stripe event/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { foldOrder, type Actor, type OrderCommand, type OrderEvent } from '../../../src/domain/order/index.ts';
import { HISTORIES, ORDER_ID, given, hoursLater, operator, otherCustomer, owner, stripe } from './fixtures.ts';

const now = hoursLater(10);
const at = now.toISOString();
const TOKEN = 'k3Jd9s0QpLx7VbN2mZr8TgYwHc5AeF1u';
const NEW_TOKEN = 'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCv';
const issue = (actor: Actor, token = TOKEN): OrderCommand => ({
  type: 'IssueTrackingLink',
  orderId: ORDER_ID,
  now,
  actor,
  token,
});
const revoke = (actor: Actor, token = NEW_TOKEN): OrderCommand => ({
  type: 'RevokeTrackingLink',
  orderId: ORDER_ID,
  now,
  actor,
  token,
});
const issued = (actor: Actor, token = TOKEN): OrderEvent => ({
  type: 'TrackingLinkIssued',
  orderId: ORDER_ID,
  actor,
  at,
  token,
});

describe('public tracking links', () => {
  it('issues a link to the owner or an operator in any state, and nothing more while one is active', () => {
    for (const history of [HISTORIES.draft, HISTORIES.fulfilled, HISTORIES.canceled]) {
      given(...history)
        .when(issue(owner))
        .then([issued(owner)]);
      given(...history)
        .when(issue(operator))
        .then([issued(operator)]);
      given(...history, issued(owner))
        .when(issue(operator, NEW_TOKEN))
        .thenNothing();
    }
  });

  it('hides the order from other customers and refuses Stripe', () => {
    given(...HISTORIES.submitted)
      .when(issue(otherCustomer))
      .thenThrows('NOT_FOUND');
    given(...HISTORIES.submitted)
      .when(issue(stripe))
      .thenThrows('FORBIDDEN');
  });

  it('refuses a token that is guessable or not a token, and writes nothing', () => {
    given(...HISTORIES.draft)
      .when(issue(owner, 'short'))
      .thenThrows('BAD_USER_INPUT', /token/);
    given(...HISTORIES.draft)
      .when(issue(owner, `${TOKEN}/..`))
      .thenThrows('BAD_USER_INPUT', /token/);
  });

  it('lets operators revoke the active link and issue a new one in the same append', () => {
    given(...HISTORIES.approved, issued(owner))
      .when(revoke(operator))
      .then([
        { type: 'TrackingLinkRevoked', orderId: ORDER_ID, actor: operator, at, token: TOKEN },
        issued(operator, NEW_TOKEN),
      ]);
    const state = foldOrder([
      ...HISTORIES.approved,
      issued(owner),
      { type: 'TrackingLinkRevoked', orderId: ORDER_ID, actor: operator, at, token: TOKEN },
    ]);
    expect(state?.trackingToken).toBeNull();
  });

  it('refuses a revocation by the owner (FORBIDDEN), by a stranger (NOT_FOUND), and of no link (ILLEGAL_TRANSITION)', () => {
    given(...HISTORIES.approved, issued(owner))
      .when(revoke(owner))
      .thenThrows('FORBIDDEN');
    given(...HISTORIES.approved, issued(owner))
      .when(revoke(otherCustomer))
      .thenThrows('NOT_FOUND');
    given(...HISTORIES.approved)
      .when(revoke(operator))
      .thenThrows('ILLEGAL_TRANSITION', /has none/);
  });
});

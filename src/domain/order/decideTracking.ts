import { AppError } from '../errors.ts';
import type { IssueTrackingLink, RevokeTrackingLink } from './commands.ts';
import { eventBase } from './decideCreate.ts';
import type { OrderEvent } from './events.ts';
import type { Order } from './state.ts';
import { fail, refusalOf } from './transitions.ts';
import { FieldProblems } from './validation.ts';

/**
 * What a tracking token looks like: base64url, at least 22 characters (128 bits). Tokens are made
 * by the command service from a random source; the check keeps anything guessable (or anything
 * that is not a token at all) out of the events, and lets lookups refuse junk without a query.
 */
export const TRACKING_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

function checkToken(token: unknown): asserts token is string {
  const problems = new FieldProblems();
  if (typeof token !== 'string' || !TRACKING_TOKEN_PATTERN.test(token))
    problems.add('token', 'must be 22 to 128 base64url characters');
  problems.throwIfAny('tracking link');
}

/** The owner or an operator; once a link is active, issuing again is already done (no events). */
export function issueTrackingLink(command: IssueTrackingLink, order: Order): OrderEvent[] {
  fail(refusalOf('issueTrackingLink', order, command.actor));
  if (order.trackingToken !== null) return [];
  checkToken(command.token);
  return [{ type: 'TrackingLinkIssued', ...eventBase(command), token: command.token }];
}

/**
 * Operators: the active link stops working and a new one replaces it, in one append, so there is
 * never a moment with neither (a reader sees the old link or the new one).
 */
export function revokeTrackingLink(command: RevokeTrackingLink, order: Order): OrderEvent[] {
  fail(refusalOf('revokeTrackingLink', order, command.actor));
  const current = order.trackingToken;
  if (current === null) {
    throw new AppError('ILLEGAL_TRANSITION', 'Cannot revoke the tracking link: the order has none; issue one instead', {
      action: 'revokeTrackingLink',
    });
  }
  checkToken(command.token);
  if (command.token === current)
    throw new AppError('BAD_USER_INPUT', 'Invalid tracking link: token: must differ from the revoked one', {
      fields: [{ path: 'token', message: 'must differ from the revoked one' }],
    });
  const base = eventBase(command);
  return [
    { type: 'TrackingLinkRevoked', ...base, token: current },
    { type: 'TrackingLinkIssued', ...base, token: command.token },
  ];
}

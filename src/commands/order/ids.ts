import { randomBytes, randomUUID } from 'node:crypto';
import { nameBasedUuid, type IdSecret } from '../ids.ts';
import type { IdGenerator } from './ports.ts';

export { nameBasedUuid, type IdSecret };

export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/** A public tracking link's token: 192 random bits as base64url (32 characters), unguessable. */
export const randomTrackingToken = (): string => randomBytes(24).toString('base64url');

/**
 * The id of the `index`-th event a keyed command writes to `streamId`. Two racing copies of the
 * same command decide the same events with the same ids, so the store keeps one of them.
 */
export const idempotentEventId = (streamId: string, idempotencyKey: string, index: number): string =>
  nameBasedUuid(['event', streamId, idempotencyKey, String(index)]);

/**
 * The order a keyed create makes: per user, so one user's key never finds another's order, and
 * keyed with the installation's secret, so nobody outside can compute an order id from a user id
 * and a key (order ids are not credentials, but nothing should hand them out in advance).
 */
export const idempotentOrderId = (secret: IdSecret, userId: string, idempotencyKey: string): string => nameBasedUuid(['order', userId, idempotencyKey], secret);

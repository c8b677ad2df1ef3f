import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';

/** Namespace of every name-based id this service makes (a fixed random uuid). */
const NAMESPACE = Buffer.from('5b0c2a7e8d9f4e1ab3c6d2f0a9e8b7c4', 'hex');

/**
 * The installation's secret for ids that must not be computable outside (see
 * `src/db/installationSecret.ts`): every process sharing the database holds the same one.
 */
export type IdSecret = Uint8Array;

/** Fresh random ids (order ids without an idempotency key, line item ids, event ids). */
export interface IdGenerator {
  uuid(): string;
}

export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/**
 * A name-based uuid: the same parts always give the same id. Parts are joined with NUL, which no
 * part can contain unnoticed (keys are checked text).
 *
 * Without a secret it is version 5 (SHA-1 of the fixed namespace and the parts): fine for ids
 * nobody can use by guessing (event ids inside a stream). With the installation's secret it is an
 * HMAC-SHA-256 of the same input, marked version 8 (RFC 9562's custom layout): an id that names
 * something reachable from outside (an order made from a user's idempotency key) that nobody
 * without the secret can predict.
 */
export function nameBasedUuid(parts: readonly string[], secret?: IdSecret): string {
  const name = parts.join('\u0000');
  return secret === undefined
    ? uuidOfDigest(createHash('sha1').update(NAMESPACE).update(name).digest(), 5)
    : uuidOfDigest(createHmac('sha256', secret).update(NAMESPACE).update(name).digest(), 8);
}

/** A digest's first 16 bytes as a uuid of this version (RFC 9562 variant). */
function uuidOfDigest(digest: Buffer, version: 5 | 8): string {
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | (version << 4);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the webhook inbox's event for a Stripe event: a version-5 layout of the SHA-256 of
 * `stripe-event:<id>`, as the inbox has always made it. Not {@link nameBasedUuid}'s namespace
 * form: ids already stored must keep matching, so a retried append is still the same event.
 */
export const stripeInboxEventId = (stripeEventId: string): string =>
  uuidOfDigest(createHash('sha256').update(`stripe-event:${stripeEventId}`).digest(), 5);

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
export const idempotentOrderId = (secret: IdSecret, userId: string, idempotencyKey: string): string =>
  nameBasedUuid(['order', userId, idempotencyKey], secret);

/** A public tracking link's token: 192 random bits as base64url (32 characters), unguessable. */
export const randomTrackingToken = (): string => randomBytes(24).toString('base64url');

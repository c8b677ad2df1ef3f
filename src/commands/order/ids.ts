import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IdGenerator } from './ports.ts';

export const randomIds: IdGenerator = { uuid: () => randomUUID() };

/** A public tracking link's token: 192 random bits as base64url (32 characters), unguessable. */
export const randomTrackingToken = (): string => randomBytes(24).toString('base64url');

/** Namespace of every name-based id this service makes (a fixed random uuid). */
const NAMESPACE = Buffer.from('5b0c2a7e8d9f4e1ab3c6d2f0a9e8b7c4', 'hex');

/**
 * A name-based uuid (version 5: SHA-1 of namespace + name): the same parts always give the same
 * id. Parts are joined with NUL, which no part can contain unnoticed (keys are checked text).
 */
export function nameBasedUuid(...parts: readonly string[]): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(parts.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the `index`-th event a keyed command writes to `streamId`. Two racing copies of the
 * same command decide the same events with the same ids, so the store keeps one of them.
 */
export const idempotentEventId = (streamId: string, idempotencyKey: string, index: number): string =>
  nameBasedUuid('event', streamId, idempotencyKey, String(index));

/** The order a keyed create makes: per user, so one user's key never finds another's order. */
export const idempotentOrderId = (userId: string, idempotencyKey: string): string => nameBasedUuid('order', userId, idempotencyKey);

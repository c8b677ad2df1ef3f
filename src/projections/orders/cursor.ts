import { isUuid } from '../../domain/ids.ts';
import { AppError } from '../../domain/errors.ts';

/** Where a page of orders ended: the last row's (created_at, id), the keyset of "newest first". */
export interface OrderCursor {
  /** created_at exactly as the database wrote it (ISO text, microseconds kept). */
  readonly createdAt: string;
  readonly id: string;
}

/** Opaque to clients: base64url of a versioned text. */
export const encodeOrderCursor = (cursor: OrderCursor): string =>
  Buffer.from(`o1|${cursor.createdAt}|${cursor.id}`, 'utf8').toString('base64url');

export function decodeOrderCursor(text: string): OrderCursor {
  const parts = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const [version, createdAt, id] = parts;
  if (
    parts.length !== 3 ||
    version !== 'o1' ||
    !createdAt ||
    Number.isNaN(Date.parse(createdAt)) ||
    !id ||
    !isUuid(id)
  ) {
    throw new AppError('BAD_USER_INPUT', 'Invalid cursor: pass the endCursor of a previous page', {
      fields: [{ path: 'after', message: 'is not a cursor of this list' }],
    });
  }
  return { createdAt, id };
}

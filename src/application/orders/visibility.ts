import type { Viewer } from '../../auth/viewer.ts';
import { AppError } from '../../domain/errors.ts';
import type { Actor } from '../../domain/order/index.ts';

/**
 * Who sees which orders, stated once: operators see every order, a customer only their own
 * (anyone else's answers exactly like a missing one). Undefined: no owner to narrow to. Every
 * read, list, count, subscription and shared result below derives from this line.
 */
export const ownerScope = (viewer: Viewer): string | undefined => (viewer.isOperator ? undefined : viewer.id);

/** Whether the viewer may see an order of this owner. */
export function isViewable(viewer: Viewer, ownerId: string): boolean {
  const owner = ownerScope(viewer);
  return owner === undefined || owner === ownerId;
}

/** The read model's scope for the viewer's reads and lists (`{}` or `{ ownerId }`). */
export function scopeOf(viewer: Viewer): { readonly ownerId?: string } {
  const ownerId = ownerScope(viewer);
  return ownerId === undefined ? {} : { ownerId };
}

/** The viewer is the order's owner as its customer (operators are nobody's customer here). */
export const isCustomerOwner = (viewer: Viewer, ownerId: string): boolean => ownerScope(viewer) === ownerId;

/**
 * Who sees the same orders, and so the same results: every operator alike, a customer only
 * themself (sharedExecution.ts shares a subscription's result within one audience).
 */
export function audienceOf(viewer: Viewer): string {
  const owner = ownerScope(viewer);
  return owner === undefined ? 'operator' : `user:${owner}`;
}

/** A list narrowed to one customer (`userId`, lower-cased) the viewer may not see is refused; `path` names the field. */
export function checkOwnerFilter(viewer: Viewer, userId: string | undefined, path: string): void {
  if (userId !== undefined && !isViewable(viewer, userId)) {
    throw new AppError('FORBIDDEN', "Only operators can list other users' orders", {
      fields: [{ path, message: 'operators only' }],
    });
  }
}

/** The actor a viewer acts as: operators as operators, everyone else as the customer they are. */
export const actorOf = (viewer: Viewer): Actor => ({
  type: viewer.isOperator ? 'operator' : 'customer',
  id: viewer.id,
});

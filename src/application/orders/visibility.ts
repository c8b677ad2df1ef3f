import type { Viewer } from '../../auth/viewer.ts';

/** Operators see every order; a customer only their own (anyone else's is "not found"). */
export const isViewable = (viewer: Viewer, ownerId: string): boolean => viewer.isOperator || viewer.id === ownerId;

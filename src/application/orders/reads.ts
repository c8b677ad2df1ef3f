import type { Viewer } from '../../auth/viewer.ts';
import { AppError } from '../../domain/errors.ts';
import {
  countOrders,
  findOrderByReference,
  listOrders,
  type OrderFilter,
  type OrderPage,
  type Queryable,
} from '../../projections/index.ts';
import type { ProductionOrderView } from '../../projections/index.ts';
import { checkOwnerFilter, scopeOf } from './visibility.ts';

/** A page of orders as both transports ask for it; `userIdPath` names the filter's `userId` in a refusal. */
export interface OrderListRequest {
  readonly filter: OrderFilter;
  readonly first?: number;
  readonly after?: string;
  readonly userIdPath: string;
}

export interface VisibleOrderPage {
  readonly page: OrderPage;
  /** The count of every order the same filter and scope match, counted only when called (GraphQL's `totalCount`). */
  readonly count: () => Promise<number>;
}

/** The page size when none is asked for (REST's query and GraphQL's `first` alike). */
export const DEFAULT_PAGE_SIZE = 50;

/**
 * The orders the viewer may see, newest first: customers their own, operators all; a customer
 * naming another user's id is FORBIDDEN.
 */
export async function listVisibleOrders(
  db: Queryable,
  viewer: Viewer,
  request: OrderListRequest,
  now: Date,
): Promise<VisibleOrderPage> {
  const { filter } = request;
  checkOwnerFilter(viewer, filter.userId, request.userIdPath);
  const scope = scopeOf(viewer);
  const page = await listOrders(db, {
    filter,
    first: request.first ?? DEFAULT_PAGE_SIZE,
    ...(request.after ? { after: request.after } : {}),
    ...scope,
    now,
  });
  return { page, count: () => countOrders(db, { filter, ...scope }) };
}

/** The order with this reference (`PO-000123`), when the viewer may see it; NOT_FOUND otherwise, alike. */
export async function visibleOrderByReference(
  db: Queryable,
  viewer: Viewer,
  reference: string,
  now: Date,
): Promise<ProductionOrderView> {
  const view = await findOrderByReference(db, reference.trim(), { now, ...scopeOf(viewer) });
  if (!view) throw new AppError('NOT_FOUND', `Order ${reference} not found`);
  return view;
}

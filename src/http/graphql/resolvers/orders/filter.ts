import type { OrderFilter, OrderSummaryView } from '../../../../projections/index.ts';

/** The list filter of `orders`, applied to one changed order (the live dashboard's `ordersChanged`). */
export function matchesFilter(view: OrderSummaryView, filter: OrderFilter): boolean {
  if (filter.orderStatuses?.length && !filter.orderStatuses.includes(view.orderStatus)) return false;
  if (filter.priorities?.length && !filter.priorities.includes(view.priority)) return false;
  const created = Date.parse(view.createdAt);
  if (filter.createdFrom && created < filter.createdFrom.getTime()) return false;
  if (filter.createdTo && created > filter.createdTo.getTime()) return false;
  if (filter.userId && filter.userId !== view.userId) return false;
  const search = filter.search?.trim().toLowerCase();
  if (search && !`${view.reference} ${view.notes ?? ''}`.toLowerCase().includes(search)) return false;
  return true;
}

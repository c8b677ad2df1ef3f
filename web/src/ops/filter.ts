import type { OrderFilter, Priority, ProductionOrderState } from '../gql/graphql.ts';

/**
 * Every lifecycle state and priority with the label the console shows. Records over the
 * schema's enums: a value added to the schema fails `npm run typecheck` until it is named here.
 */
export const STATE_LABELS: Readonly<Record<ProductionOrderState, string>> = {
  DRAFT: 'Draft (not paid)',
  SUBMITTED: 'Submitted (queued)',
  APPROVED: 'Approved (printing)',
  IN_PRODUCTION: 'In production (finishing)',
  FULFILLED: 'Fulfilled (ready)',
  CANCELED: 'Canceled',
};
export const ORDER_STATES = Object.keys(STATE_LABELS) as ProductionOrderState[];

export const PRIORITY_NAMES: Readonly<Record<Priority, string>> = { RUSH: 'Rush', STANDARD: 'Standard', HOLD: 'Hold' };
export const PRIORITY_VALUES = Object.keys(PRIORITY_NAMES) as Priority[];

/** The list's filter as the operator sets it and the address bar keeps it. */
export interface ListFilter {
  readonly statuses: readonly ProductionOrderState[];
  readonly priorities: readonly Priority[];
  /** `YYYY-MM-DD`, the operator's local day; empty: open. */
  readonly from: string;
  readonly to: string;
  /** A user id. */
  readonly customer: string;
  /** Over the reference and the notes. */
  readonly q: string;
}

export const EMPTY_FILTER: ListFilter = { statuses: [], priorities: [], from: '', to: '', customer: '', q: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function listOf<T extends string>(value: string | null, allowed: readonly T[]): T[] {
  if (!value) return [];
  const wanted = new Set(value.split(',').map((part) => part.trim().toUpperCase()));
  // In the console's own order, each once; an unknown value in a hand-edited URL is dropped.
  return allowed.filter((item) => wanted.has(item));
}

/** The filter in a query string (`?status=SUBMITTED,APPROVED&priority=RUSH&from=…&to=…&customer=…&q=…`). */
export function parseListFilter(search: URLSearchParams): ListFilter {
  const day = (key: string) => {
    const value = search.get(key)?.trim() ?? '';
    return DAY.test(value) ? value : '';
  };
  return {
    statuses: listOf(search.get('status'), ORDER_STATES),
    priorities: listOf(search.get('priority'), PRIORITY_VALUES),
    from: day('from'),
    to: day('to'),
    customer: search.get('customer')?.trim() ?? '',
    q: search.get('q')?.trim() ?? '',
  };
}

/** The query string of a filter (empty parts left out), `?…` or '' for no filter. */
export function listFilterSearch(filter: ListFilter): string {
  const params = new URLSearchParams();
  if (filter.statuses.length) params.set('status', filter.statuses.join(','));
  if (filter.priorities.length) params.set('priority', filter.priorities.join(','));
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  if (filter.customer.trim()) params.set('customer', filter.customer.trim());
  if (filter.q.trim()) params.set('q', filter.q.trim());
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A local day's first and last instant, as the API's DateTime. */
const startOfDay = (day: string) => new Date(`${day}T00:00:00`).toISOString();
const endOfDay = (day: string) => new Date(`${day}T23:59:59.999`).toISOString();

/** What the API is asked for: the same filter for the list, its count, "select all" and the live feed. */
export function apiFilter(filter: ListFilter): OrderFilter {
  return {
    ...(filter.statuses.length ? { orderStatuses: [...filter.statuses] } : {}),
    ...(filter.priorities.length ? { priorities: [...filter.priorities] } : {}),
    ...(filter.from ? { createdFrom: startOfDay(filter.from) } : {}),
    ...(filter.to ? { createdTo: endOfDay(filter.to) } : {}),
    ...(filter.customer.trim() ? { userId: filter.customer.trim() } : {}),
    ...(filter.q.trim() ? { search: filter.q.trim() } : {}),
  };
}

/** True when any part is set. */
export const isFiltered = (filter: ListFilter): boolean => listFilterSearch(filter) !== '';

import type { OrderState, Priority } from '../../domain/order/index.ts';
import type { OrderSummaryView } from './views.ts';

/** The order list's filter (`orders(filter:)`, `ordersChanged(filter:)`): every part set must hold. */
export interface OrderFilter {
  readonly orderStatuses?: readonly OrderState[];
  readonly priorities?: readonly Priority[];
  /** Created at or after. */
  readonly createdFrom?: Date;
  /** Created at or before. */
  readonly createdTo?: Date;
  readonly userId?: string;
  /** Case-insensitive substring of the reference or the notes. */
  readonly search?: string;
}

type Param = (value: unknown) => string;

/**
 * One part of the filter, decided two ways from one definition: as a where term over
 * `production_orders o` (the list and its count) and on one order's view (a change the live
 * dashboard is about to send). Unset (undefined, an empty list, blank text): no condition.
 */
interface Term<V> {
  readonly isSet: (value: V) => boolean;
  readonly sql: (value: V, param: Param) => string;
  readonly test: (view: OrderSummaryView, value: V) => boolean;
}

/** A column of the read table and the same value on the view. */
interface Column<T> {
  readonly sql: string;
  readonly of: (view: OrderSummaryView) => T;
}

const setIfDefined = (value: unknown) => value !== undefined;

const equals = <T>(column: Column<T>): Term<T> => ({
  isSet: setIfDefined,
  sql: (value, param) => `${column.sql} = ${param(value)}`,
  test: (view, value) => column.of(view) === value,
});

const oneOf = <T extends string>(column: Column<T>): Term<readonly T[]> => ({
  isSet: (values) => values.length > 0,
  sql: (values, param) => `${column.sql} = any(${param(values)}::text[])`,
  test: (view, values) => values.includes(column.of(view)),
});

const instant = (column: Column<number>, op: '>=' | '<='): Term<Date> => ({
  isSet: setIfDefined,
  sql: (at, param) => `${column.sql} ${op} ${param(at.toISOString())}::timestamptz`,
  test: (view, at) => (op === '>=' ? column.of(view) >= at.getTime() : column.of(view) <= at.getTime()),
});

const containsText = (column: Column<string>): Term<string> => ({
  isSet: (text) => text.trim() !== '',
  sql: (text, param) => `${column.sql} ilike ${param(`%${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`,
  test: (view, text) => column.of(view).toLowerCase().includes(text.trim().toLowerCase()),
});

const USER: Column<string> = { sql: 'o.user_id', of: (view) => view.userId };
const STATUS: Column<OrderState> = { sql: 'o.status', of: (view) => view.orderStatus };
const PRIORITY: Column<Priority> = { sql: 'o.priority', of: (view) => view.priority };
// created_at holds the creating event's instant to the millisecond, as the view's createdAt.
const CREATED: Column<number> = { sql: 'o.created_at', of: (view) => Date.parse(view.createdAt) };
// The expression of production_orders_search_idx (migration 001): written so, the trigram index serves it.
const SEARCHED: Column<string> = { sql: `(o.reference || ' ' || coalesce(o.notes, ''))`, of: (view) => `${view.reference} ${view.notes ?? ''}` };

/** The filter's one definition: a part added to `OrderFilter` fails the typecheck until it is defined here. */
const TERMS: { readonly [K in keyof OrderFilter]-?: Term<NonNullable<OrderFilter[K]>> } = {
  userId: equals(USER),
  orderStatuses: oneOf(STATUS),
  priorities: oneOf(PRIORITY),
  createdFrom: instant(CREATED, '>='),
  createdTo: instant(CREATED, '<='),
  search: containsText(SEARCHED),
};

/** The set parts of a filter with their terms. */
function setTerms(filter: OrderFilter): { term: Term<unknown>; value: unknown }[] {
  const parts: { term: Term<unknown>; value: unknown }[] = [];
  for (const key of Object.keys(TERMS) as (keyof OrderFilter)[]) {
    const term = TERMS[key] as Term<unknown>;
    const value = filter[key];
    if (value !== undefined && term.isSet(value)) parts.push({ term, value });
  }
  return parts;
}

/** The where terms of a (checked) filter over `production_orders o`, their values added through `param`. */
export function orderFilterWhere(filter: OrderFilter, param: Param): string[] {
  return setTerms(filter).map(({ term, value }) => term.sql(value, param));
}

/** Whether the list with this filter would hold this order as the view shows it: the same terms, tested in memory. */
export function matchesOrderFilter(view: OrderSummaryView, filter: OrderFilter): boolean {
  return setTerms(filter).every(({ term, value }) => term.test(view, value));
}

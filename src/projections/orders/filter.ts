import type { FieldProblem } from '../../domain/errors.ts';
import { isUuid } from '../../domain/ids.ts';
import { ORDER_STATES, PRIORITIES, type OrderState, type Priority } from '../../domain/order/index.ts';
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
  /** What is wrong with a value given for `path` (none: it can be used). */
  readonly problems: (value: V, path: string) => FieldProblem[];
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
const problem = (ok: boolean, path: string, message: string): FieldProblem[] => (ok ? [] : [{ path, message }]);

const uuid = (column: Column<string>): Term<string> => ({
  problems: (value, path) => problem(typeof value === 'string' && isUuid(value), path, 'must be a uuid'),
  isSet: setIfDefined,
  sql: (value, param) => `${column.sql} = ${param(value)}`,
  test: (view, value) => column.of(view) === value,
});

const oneOf = <T extends string>(column: Column<T>, allowed: readonly T[]): Term<readonly T[]> => ({
  problems: (values, path) =>
    values.flatMap((value, i) =>
      problem(allowed.includes(value), `${path}.${i}`, `must be one of ${allowed.join(', ')}`),
    ),
  isSet: (values) => values.length > 0,
  sql: (values, param) => `${column.sql} = any(${param(values)}::text[])`,
  test: (view, values) => values.includes(column.of(view)),
});

const instant = (column: Column<number>, op: '>=' | '<='): Term<Date> => ({
  problems: (at, path) => problem(at instanceof Date && !Number.isNaN(at.getTime()), path, 'must be a valid date-time'),
  isSet: setIfDefined,
  sql: (at, param) => `${column.sql} ${op} ${param(at.toISOString())}::timestamptz`,
  test: (view, at) => (op === '>=' ? column.of(view) >= at.getTime() : column.of(view) <= at.getTime()),
});

const containsText = (column: Column<string>, maxLength: number): Term<string> => ({
  problems: (text, path) =>
    problem(
      typeof text === 'string' && text.length <= maxLength,
      path,
      `must be text of at most ${maxLength} characters`,
    ),
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
const SEARCHED: Column<string> = {
  sql: `(o.reference || ' ' || coalesce(o.notes, ''))`,
  of: (view) => `${view.reference} ${view.notes ?? ''}`,
};

/** The filter's one definition: a part added to `OrderFilter` fails the typecheck until it is defined here. */
const TERMS: { readonly [K in keyof OrderFilter]-?: Term<NonNullable<OrderFilter[K]>> } = {
  orderStatuses: oneOf(STATUS, ORDER_STATES),
  priorities: oneOf(PRIORITY, PRIORITIES),
  createdFrom: instant(CREATED, '>='),
  createdTo: instant(CREATED, '<='),
  userId: uuid(USER),
  search: containsText(SEARCHED, 200),
};

/** What is wrong with a filter, each problem at `filter.<part>` (none: it can be used). */
export function orderFilterProblems(filter: OrderFilter): FieldProblem[] {
  return (Object.keys(TERMS) as (keyof OrderFilter)[]).flatMap((key) => {
    const value = filter[key];
    return value === undefined ? [] : (TERMS[key] as Term<unknown>).problems(value, `filter.${key}`);
  });
}

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

/**
 * The test of `orderFilterWhere`'s filter on one order as a view shows it: whether the list with
 * this filter would hold it. Made once per filter (a dashboard tests every change it hears).
 */
export function orderFilterTest(filter: OrderFilter): (view: OrderSummaryView) => boolean {
  const parts = setTerms(filter);
  return (view) => parts.every(({ term, value }) => term.test(view, value));
}

import { isUuid } from '../../domain/ids.ts';
import type pg from 'pg';
import { AppError, type FieldProblem } from '../../domain/errors.ts';
import { TRACKING_TOKEN_PATTERN } from '../../domain/order/index.ts';
import { decodeOrderCursor, encodeOrderCursor } from './cursor.ts';
import { orderFilterProblems, orderFilterWhere, type OrderFilter } from './filter.ts';
import { jsonObject, selectList } from '../engine/table.ts';
import {
  LINE_ITEM_VIEW_COLUMNS,
  LINE_ITEMS_TABLE,
  ORDER_VIEW_COLUMNS,
  TIMELINE_TABLE,
  TIMELINE_VIEW_COLUMNS,
  type OrderRow,
  type TimelineJson,
} from './tables.ts';
import {
  garmentView,
  orderView,
  timelineView,
  type GarmentView,
  type OrderSummaryView,
  type ProductionOrderView,
  type TimelineEntryView,
} from './views.ts';

export type { OrderFilter } from './filter.ts';

/** A pool or a client: every query here is one statement, so it reads one consistent snapshot. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.ClientBase, 'query'>;

export interface ReadOptions {
  /** Only this user's orders (customers); anyone else's order is "not found". */
  readonly ownerId?: string;
  /** The instant etaDays is computed for. Default: now. */
  readonly now?: Date;
}

export interface ListOrdersOptions extends ReadOptions {
  readonly filter?: OrderFilter;
  /** Page size, 1..200. Default 50. */
  readonly first?: number;
  /** `endCursor` of the previous page. */
  readonly after?: string;
}

export interface OrderPage {
  readonly nodes: readonly ProductionOrderView[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

export const MAX_PAGE_SIZE = 200;

/**
 * The orders changed after a position ($1 its commit, $2 its prepare part): every change the
 * projector writes moves the order's position. The `position_commit >= $1` term lets the BRIN
 * index on it (migration 006) skip block ranges with no newer change.
 */
export const ORDERS_CHANGED_AFTER = `select id from production_orders
  where position_commit >= $1::bigint and (position_commit, position_prepare) > ($1::bigint, $2::bigint)`;

// Each order's line items and timeline come in the same statement (one snapshot, even across a
// rebuild's table switch), each from its table's primary key.
const ORDER_FIELDS = `select ${selectList('o', ORDER_VIEW_COLUMNS)},
  o.position_commit::text || '-' || o.position_prepare::text as position,
  to_json(o.created_at) #>> '{}' as cursor_created_at,
  (select coalesce(json_agg(${jsonObject(LINE_ITEMS_TABLE, 'li', LINE_ITEM_VIEW_COLUMNS)} order by li.line_no), '[]'::json)
    from production_line_items li where li.order_id = o.id) as line_items`;
const ORDER_SELECT = `${ORDER_FIELDS},
  (select coalesce(json_agg(${timelineJson('fe')} order by fe.stream_version), '[]'::json)
    from fulfillment_events fe where fe.order_id = o.id) as events
from production_orders o`;
/** Without the timeline: its aggregation is most of an order read's cost and live views rarely show it. */
const ORDER_SUMMARY_SELECT = `${ORDER_FIELDS}, null::json as events from production_orders o`;

function timelineJson(alias: string): string {
  return jsonObject(
    TIMELINE_TABLE,
    alias,
    TIMELINE_VIEW_COLUMNS,
    `'position', ${alias}.position_commit::text || '-' || ${alias}.position_prepare::text`,
  );
}

/**
 * The single-order reads are the hot path (`order(id)`): as named statements each connection plans
 * them once (planning cost more than running them). A name must always carry the same text, so the
 * four shapes are fixed here. A rebuild's table switch (`set schema`) invalidates the cached plan
 * and PostgreSQL re-analyses the text against the new tables; the columns stay the same.
 */
const FIND_ONE = {
  id: { name: 'orders.find_by_id', text: `${ORDER_SELECT} where o.id = $1` },
  idOwned: { name: 'orders.find_by_id_owned', text: `${ORDER_SELECT} where o.id = $1 and o.user_id = $2` },
  reference: { name: 'orders.find_by_reference', text: `${ORDER_SELECT} where o.reference = $1` },
  referenceOwned: {
    name: 'orders.find_by_reference_owned',
    text: `${ORDER_SELECT} where o.reference = $1 and o.user_id = $2`,
  },
  trackingToken: { name: 'orders.find_by_tracking_token', text: `${ORDER_SELECT} where o.public_tracking_token = $1` },
} as const;

type Statement = { readonly name: string; readonly text: string };

/** One order with its line items, timeline and garment; null when missing (or not the owner's). */
export async function findOrder(
  db: Queryable,
  id: string,
  options: ReadOptions = {},
): Promise<ProductionOrderView | null> {
  if (!isUuid(id)) return null;
  return findOne(db, FIND_ONE.id, FIND_ONE.idOwned, id, options);
}

/** The whole row `findOrder` maps (any owner), for readers that keep it (the order cache). */
export async function findOrderRow(db: Queryable, id: string): Promise<OrderRow | null> {
  if (!isUuid(id)) return null;
  const { rows } = await db.query<OrderRow>({ ...FIND_ONE.id, values: [id] });
  return rows[0] ?? null;
}

/**
 * Several orders by id in one statement (one snapshot), for readers that follow many changes at
 * once (the live dashboards); ids that are not uuids or have no order are simply absent.
 */
export function findOrders(
  db: Queryable,
  ids: readonly string[],
  options: Pick<ReadOptions, 'now'> = {},
): Promise<Map<string, ProductionOrderView>> {
  return byIds(db, BY_IDS.whole, ids, (row, now) => orderView(row, now), options.now);
}

/** As `findOrders`, without each order's timeline (its `events`): for readers that do not show it. */
export function findOrderSummaries(
  db: Queryable,
  ids: readonly string[],
  options: Pick<ReadOptions, 'now'> = {},
): Promise<Map<string, OrderSummaryView>> {
  return byIds(db, BY_IDS.summary, ids, orderSummaryView, options.now);
}

/** An order row as `findOrderSummaries` reads it (see {@link ORDER_SUMMARIES_BY_IDS}), as its view. */
export function orderSummaryView(row: OrderRow, now: Date): OrderSummaryView {
  const { events: _timeline, ...summary } = orderView(row, now);
  return summary;
}

const BY_IDS = {
  whole: { name: 'orders.find_by_ids', text: `${ORDER_SELECT} where o.id = any($1::uuid[])` },
  summary: { name: 'orders.find_summaries_by_ids', text: `${ORDER_SUMMARY_SELECT} where o.id = any($1::uuid[])` },
} as const;

/**
 * The statement behind `findOrderSummaries` (`$1`: uuid[]), over the tables the search path
 * finds: for a writer that reads the rows it just wrote back in the same message (the projector).
 */
export const ORDER_SUMMARIES_BY_IDS = BY_IDS.summary.text;

async function byIds<V>(
  db: Queryable,
  statement: Statement,
  ids: readonly string[],
  toView: (row: OrderRow, now: Date) => V,
  now = new Date(),
): Promise<Map<string, V>> {
  const wanted = [...new Set(ids.filter((id) => isUuid(id)).map((id) => id.toLowerCase()))];
  const found = new Map<string, V>();
  if (wanted.length === 0) return found;
  const { rows } = await db.query<OrderRow>({ ...statement, values: [wanted] });
  for (const row of rows) found.set(row.id, toView(row, now));
  return found;
}

/**
 * The order whose active public tracking link has this token (its unique index); null for an
 * unknown or revoked token. What of it the public may see is the API's business.
 */
export async function findOrderByTrackingToken(
  db: Queryable,
  token: string,
  options: Pick<ReadOptions, 'now'> = {},
): Promise<ProductionOrderView | null> {
  if (!TRACKING_TOKEN_PATTERN.test(token)) return null;
  const { rows } = await db.query<OrderRow>({ ...FIND_ONE.trackingToken, values: [token] });
  const row = rows[0];
  return row ? orderView(row, options.now ?? new Date()) : null;
}

/** The order with this reference (`PO-000123`); null when missing (or not the owner's). */
export async function findOrderByReference(
  db: Queryable,
  reference: string,
  options: ReadOptions = {},
): Promise<ProductionOrderView | null> {
  return findOne(db, FIND_ONE.reference, FIND_ONE.referenceOwned, reference, options);
}

async function findOne(
  db: Queryable,
  any: Statement,
  owned: Statement,
  value: string,
  options: ReadOptions,
): Promise<ProductionOrderView | null> {
  let query: { name: string; text: string; values: unknown[] } = { ...any, values: [value] };
  if (options.ownerId !== undefined) {
    if (!isUuid(options.ownerId)) return null;
    query = { ...owned, values: [value, options.ownerId] };
  }
  const { rows } = await db.query<OrderRow>(query);
  const row = rows[0];
  return row ? orderView(row, options.now ?? new Date()) : null;
}

/**
 * Orders newest first, filtered, one page at a time (keyset on (created_at, id): stable while
 * orders are added). Each filter shape has an index (see the migration); bad input is
 * BAD_USER_INPUT with every problem listed.
 */
export async function listOrders(db: Queryable, options: ListOrdersOptions = {}): Promise<OrderPage> {
  const first = options.first ?? 50;
  const filter = options.filter ?? {};
  const problems = checkList(first, filter, options.ownerId);
  const cursor = options.after === undefined || options.after === null ? undefined : decodeOrderCursor(options.after);
  if (problems.length > 0) throw invalidList(problems);
  const { where, param, params } = filterWhere(filter, options.ownerId);
  if (cursor) where.push(`(o.created_at, o.id) < (${param(cursor.createdAt)}::timestamptz, ${param(cursor.id)}::uuid)`);
  const sql = `${ORDER_SELECT} ${where.length ? `where ${where.join(' and ')}` : ''} order by o.created_at desc, o.id desc limit ${param(first + 1)}`;
  const { rows } = await db.query<OrderRow & { cursor_created_at: string }>(sql, params);
  const page = rows.slice(0, first);
  const now = options.now ?? new Date();
  const last = page.at(-1);
  return {
    nodes: page.map((row) => orderView(row, now)),
    pageInfo: {
      hasNextPage: rows.length > first,
      endCursor: last ? encodeOrderCursor({ createdAt: last.cursor_created_at, id: last.id }) : null,
    },
  };
}

/**
 * How many orders `listOrders` would page through with this filter (no cursor): the same where
 * clause, counted, so a list's total and its pages never disagree on what matches.
 */
export async function countOrders(
  db: Queryable,
  options: Pick<ListOrdersOptions, 'filter' | 'ownerId'> = {},
): Promise<number> {
  const filter = options.filter ?? {};
  const problems = checkList(1, filter, options.ownerId);
  if (problems.length > 0) throw invalidList(problems);
  const { where, params } = filterWhere(filter, options.ownerId);
  const { rows } = await db.query<{ n: string }>(
    `select count(*)::text as n from production_orders o ${where.length ? `where ${where.join(' and ')}` : ''}`,
    params,
  );
  return Number(rows[0]?.n ?? 0);
}

const invalidList = (problems: readonly FieldProblem[]) =>
  new AppError('BAD_USER_INPUT', `Invalid order list: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, {
    fields: problems,
  });

/** The where terms of a (checked) filter, with its parameters; `param` adds more after them. */
function filterWhere(filter: OrderFilter, ownerId: string | undefined) {
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (ownerId !== undefined) where.push(`o.user_id = ${param(ownerId)}`);
  where.push(...orderFilterWhere(filter, param));
  return { where, param, params };
}

function checkList(first: number, filter: OrderFilter, ownerId: string | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Number.isSafeInteger(first) || first < 1 || first > MAX_PAGE_SIZE)
    problems.push({ path: 'first', message: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
  problems.push(...orderFilterProblems(filter));
  if (ownerId !== undefined && !isUuid(ownerId)) problems.push({ path: 'ownerId', message: 'must be a uuid' });
  return problems;
}

/** An order's timeline entries after a stream version (all when omitted), oldest first. */
export async function findOrderEvents(
  db: Queryable,
  orderId: string,
  options: { readonly afterVersion?: number } = {},
): Promise<TimelineEntryView[]> {
  if (!isUuid(orderId)) return [];
  const { rows } = await db.query<{ entry: TimelineJson }>(
    `select ${timelineJson('fe')} as entry from fulfillment_events fe where fe.order_id = $1 and fe.stream_version > $2 order by fe.stream_version`,
    [orderId, options.afterVersion ?? 0],
  );
  return rows.map((row) => timelineView(row.entry));
}

/** The garment catalog, by title. */
export async function listGarments(db: Queryable): Promise<GarmentView[]> {
  const { rows } = await db.query<{
    id: string;
    title: string;
    price_cents: number;
    sizes: string[];
    image_url: string | null;
  }>('select id, title, price_cents, sizes, image_url from garments order by title, id');
  return rows.map((row) =>
    garmentView({
      id: row.id,
      title: row.title,
      priceCents: row.price_cents,
      sizes: row.sizes,
      imageUrl: row.image_url,
    }),
  );
}

export async function findGarment(db: Queryable, id: string): Promise<GarmentView | null> {
  const { rows } = await db.query<{
    id: string;
    title: string;
    price_cents: number;
    sizes: string[];
    image_url: string | null;
  }>('select id, title, price_cents, sizes, image_url from garments where id = $1', [id]);
  const row = rows[0];
  return row
    ? garmentView({
        id: row.id,
        title: row.title,
        priceCents: row.price_cents,
        sizes: row.sizes,
        imageUrl: row.image_url,
      })
    : null;
}

/** Operators are the users with user_profiles.is_operator; nothing in a token makes one. */
export async function isOperator(db: Queryable, userId: string): Promise<boolean> {
  if (!isUuid(userId)) return false;
  const { rows } = await db.query<{ is_operator: boolean }>(
    'select is_operator from user_profiles where user_id = $1',
    [userId],
  );
  return rows[0]?.is_operator ?? false;
}

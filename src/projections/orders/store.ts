import type pg from 'pg';
import { qualified, readBackList } from '../engine/table.ts';
import { fromOrderRecord, type ProjectedOrder } from './records.ts';
import {
  LINE_ITEMS_TABLE,
  ORDERS_TABLE,
  TIMELINE_TABLE,
  type LineItemRecord,
  type OrderRecord,
  type TimelineRecord,
} from './tables.ts';

/** What one transaction writes to the order tables. */
export interface OrderWrites {
  readonly orders: readonly OrderRecord[];
  readonly lineItems: readonly LineItemRecord[];
  readonly timeline: readonly TimelineRecord[];
}

type Queryable = Pick<pg.ClientBase, 'query'>;

const ORDER_NAMES = ORDERS_TABLE.columnNames;
const ORDER_UPDATES = ORDER_NAMES.filter((name) => name !== 'id');

/**
 * The whole set of rows goes in as one JSON document, turned into rows by the server
 * (`json_populate_recordset` on the table's own row type): one round trip per table per batch.
 */
const insertSql = (schema: string, table: string, columns: readonly string[]): string => {
  const list = columns.join(', ');
  return `insert into ${qualified(schema, table)} (${list}) select ${list} from json_populate_recordset(null::${qualified(schema, table)}, $1::json)`;
};

const statements = new Map<
  string,
  { upsertOrders: string; insertLineItems: string; insertTimeline: string; loadOrders: string }
>();

function sqlFor(schema: string) {
  let sql = statements.get(schema);
  if (!sql) {
    sql = {
      // The version guard again, in SQL: an older state never overwrites a newer one.
      upsertOrders: `${insertSql(schema, 'production_orders', ORDER_NAMES)}
        on conflict (id) do update set (${ORDER_UPDATES.join(', ')}) = (${ORDER_UPDATES.map((c) => `excluded.${c}`).join(', ')})
        where production_orders.version < excluded.version`,
      insertLineItems: insertSql(schema, LINE_ITEMS_TABLE.name, LINE_ITEMS_TABLE.columnNames),
      insertTimeline: insertSql(schema, TIMELINE_TABLE.name, TIMELINE_TABLE.columnNames),
      loadOrders: `select ${readBackList(ORDERS_TABLE)}
        from ${qualified(schema, 'production_orders')} where id = any($1::uuid[])`,
    };
    statements.set(schema, sql);
  }
  return sql;
}

/** The stored state of these orders (absent ones are simply missing from the map). */
export async function loadOrders(
  db: Queryable,
  schema: string,
  ids: readonly string[],
): Promise<Map<string, ProjectedOrder>> {
  const found = new Map<string, ProjectedOrder>();
  if (ids.length === 0) return found;
  const { rows } = await db.query<OrderRecord>(sqlFor(schema).loadOrders, [ids]);
  for (const row of rows) found.set(row.id, fromOrderRecord(row));
  return found;
}

/** Writes orders (upsert), then their line items and timeline entries (inserts: each is new). */
export async function writeOrderChanges(db: Queryable, schema: string, writes: OrderWrites): Promise<void> {
  const sql = sqlFor(schema);
  if (writes.orders.length > 0) await db.query(sql.upsertOrders, [JSON.stringify(writes.orders)]);
  if (writes.lineItems.length > 0) await db.query(sql.insertLineItems, [JSON.stringify(writes.lineItems)]);
  if (writes.timeline.length > 0) await db.query(sql.insertTimeline, [JSON.stringify(writes.timeline)]);
}

import type pg from 'pg';
import { orderStreamId } from '../../domain/order/index.ts';
import { prepareOnce, sqlLiteral } from '../engine/batchSql.ts';
import { CommittedRows, rowsToRead } from '../engine/committedRows.ts';
import type { LiveProjection, Projection, RebuildProjection, RowSink } from '../engine/projection.ts';
import { qualified } from '../engine/table.ts';
import { foldOrderEvents, keyedByOrder, orderIdsOf } from './fold.ts';
import { ORDER_SUMMARIES_BY_IDS, ORDERS_CHANGED_AFTER } from './queries.ts';
import { toOrderRecord, type ProjectedOrder } from './records.ts';
import { loadOrders, writeOrderChanges } from './store.ts';
import {
  lineItemLine,
  LINE_ITEMS_TABLE,
  ORDER_TABLES,
  orderLine,
  ORDERS_TABLE,
  TIMELINE_TABLE,
  timelineLine,
  type OrderRow,
} from './tables.ts';

/** The orders projection's name: its checkpoint and dead letters are kept under it. */
export const ORDERS_PROJECTION = 'orders';

const list = (names: readonly string[]): string => names.join(', ');
const populate = (
  schema: string,
  table: { readonly name: string; readonly columnNames: readonly string[] },
  param: string,
): string =>
  `insert into ${qualified(schema, table.name)} (${list(table.columnNames)}) select ${list(table.columnNames)} from json_populate_recordset(null::${qualified(schema, table.name)}, ${param}::json)`;
const ORDER_UPDATES = ORDERS_TABLE.columnNames.filter((c) => c !== 'id');

/** One statement for a batch's rows of all three tables (data-modifying CTEs all run, in one snapshot). */
const writeStatement = (schema: string): string => `with
  upserted as (${populate(schema, ORDERS_TABLE, '$1')}
    on conflict (id) do update set (${ORDER_UPDATES.join(', ')}) = (${ORDER_UPDATES.map((c) => `excluded.${c}`).join(', ')})
    where production_orders.version < excluded.version returning 1),
  line_items as (${populate(schema, LINE_ITEMS_TABLE, '$2')} returning 1),
  timeline as (${populate(schema, TIMELINE_TABLE, '$3')} returning 1)
select 1`;

const prepareWrite = (client: pg.ClientBase, schema: string): Promise<string> =>
  prepareOnce(client, `orders_batch_${schema}`, () => `(json, json, json) as ${writeStatement(schema)}`);

/** The live tables' order summaries, read back inside the batch (always a generic plan: one shape, any number of ids). */
const prepareReadBack = (client: pg.ClientBase): Promise<string> =>
  prepareOnce(client, 'orders_read_back', () => `(uuid[]) as ${ORDER_SUMMARIES_BY_IDS}`);

function live(): LiveProjection<OrderRow> {
  // Orders as this projector last committed them, to skip reading them back.
  const committed = new CommittedRows<ProjectedOrder>();
  return {
    async fold(client, schema, events, rejected, readBack) {
      const { found: state, missing } = rowsToRead(keyedByOrder(events), committed.rows);
      // Read before the batch's transaction: if anyone else wrote these rows since, the checkpoint
      // moved too, and the engine's transaction refuses the batch.
      for (const [id, order] of await loadOrders(client, schema, missing)) state.set(id, order);
      const folded = foldOrderEvents(
        state,
        rejected.size === 0 ? events : events.filter((event) => !rejected.has(event)),
        'continuous',
      );
      // A refused event is dead-lettered by the engine; its order's version moves past it.
      for (const event of rejected) {
        const id = orderIdsOf([event])[0];
        const current = id === undefined ? undefined : state.get(id);
        if (id !== undefined && current && event.streamVersion > current.version) {
          folded.changed.set(id, { ...current, version: event.streamVersion, position: event.position });
        }
      }
      const changedIds = [...folded.changed.keys()];
      const statements: string[] = [];
      if (changedIds.length > 0 || folded.timeline.length > 0) {
        const orders = [...folded.changed.values()].map(toOrderRecord);
        statements.push(
          `execute ${await prepareWrite(client, schema)}(${sqlLiteral(JSON.stringify(orders))}, ${sqlLiteral(JSON.stringify(folded.lineItems))}, ${sqlLiteral(JSON.stringify(folded.timeline))})`,
        );
      }
      return {
        statements,
        deadLetters: folded.deadLetters,
        changedIds,
        ...(readBack && changedIds.length > 0
          ? {
              readBack: {
                statement: `execute ${await prepareReadBack(client)}(${sqlLiteral(`{${changedIds.join(',')}}`)})`,
                idOf: (row: OrderRow) => row.id,
              },
            }
          : {}),
        committed: () => committed.remember(folded.changed),
      };
    },
    forget: () => committed.clear(),
  };
}

function rebuild(): RebuildProjection {
  // Every order folded so far, while it fits in memory; undefined after that (then rows are read back).
  let state: Map<string, ProjectedOrder> | undefined = new Map();
  let timeline: RowSink | undefined;
  let lineItems: RowSink | undefined;
  return {
    bulk(page, sinks) {
      timeline ??= sinks(TIMELINE_TABLE.name);
      lineItems ??= sinks(LINE_ITEMS_TABLE.name);
      const folded = foldOrderEvents(state!, page, 'strict');
      for (const entry of folded.timeline) timeline.add(timelineLine(entry));
      for (const item of folded.lineItems) lineItems.add(lineItemLine(item));
    },
    *finalLines(table) {
      if (table !== ORDERS_TABLE.name || !state) return;
      for (const order of state.values()) yield orderLine(toOrderRecord(order));
    },
    get held() {
      return state?.size ?? 0;
    },
    forget() {
      state = undefined;
    },
    async apply(db, schema, page) {
      let orders = state;
      if (!orders) orders = await loadOrders(db, schema, orderIdsOf(page));
      else {
        const missing = orderIdsOf(page).filter((id) => !orders!.has(id));
        for (const [id, order] of await loadOrders(db, schema, missing)) orders.set(id, order);
      }
      const folded = foldOrderEvents(orders, page, 'strict');
      await writeOrderChanges(db, schema, {
        orders: [...folded.changed.values()].map(toOrderRecord),
        lineItems: folded.lineItems,
        timeline: folded.timeline,
      });
    },
    // A timeline row's first fields name its event: id, order, stream version.
    blame(table, fields) {
      if (table !== TIMELINE_TABLE.name) return undefined;
      const [eventId, orderId, version] = fields;
      return eventId && orderId && version
        ? { streamId: orderStreamId(orderId), version: Number(version), eventId }
        : undefined;
    },
  };
}

/**
 * The orders projection: `production_orders`, `production_line_items` and `fulfillment_events`
 * from the order streams, by the domain's fold (see fold.ts). Every event of an order stream
 * counts: each moves its order's version, the types this code does not know included (skipped).
 */
export const ordersProjection: Projection<OrderRow> = {
  name: ORDERS_PROJECTION,
  tables: ORDER_TABLES,
  streamPrefixes: ['order-'],
  canHandle: () => true,
  live,
  rebuild,
  changedAfter: ORDERS_CHANGED_AFTER,
};

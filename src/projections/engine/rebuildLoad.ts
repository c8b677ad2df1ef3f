import type pg from 'pg';
import { comparePositions, type EventStore, type GlobalPosition, type RecordedEvent } from '../../commands/eventStore.ts';
import { bulkReaderOf } from '../../commands/postgres/index.ts';
import { orderStreamId } from '../../domain/order/index.ts';
import { foldOrderEvents, orderIdsOf, RebuildStoppedError } from '../orders/fold.ts';
import { toOrderRecord, type ProjectedOrder } from '../orders/records.ts';
import { loadOrders, writeOrderChanges } from '../orders/store.ts';
import { CopyRowRefusedError, lineItemLine, orderLine, TableWriter, timelineLine } from './rebuildRows.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Where a rebuild stands: the fold so far and the position it reached. */
export interface RebuildCursor {
  position: GlobalPosition | undefined;
  events: number;
  /** Every order folded so far, while it fits in memory; undefined after that (then rows are read back). */
  state: Map<string, ProjectedOrder> | undefined;
}

export interface LoadSettings {
  readonly eventStore: EventStore;
  readonly schema: string;
  /** Events per read. */
  readonly pageSize: number;
  /** Orders kept in memory during the bulk load; beyond, the load ends early and the rest goes row by row. */
  readonly maxOrdersInMemory: number;
  readonly onProgress?: (events: number) => void;
}

const ORDER_CHUNK = 10_000;

const readPage = (settings: LoadSettings, after: GlobalPosition | undefined): Promise<readonly RecordedEvent[]> =>
  settings.eventStore.readAll({ ...(after ? { after } : {}), maxCount: settings.pageSize, streamPrefixes: ['order-'] });

/**
 * Every order event up to the head, in batches: streamed by the store's bulk reader when it has
 * one (PostgreSQL: binary COPY), else `readAll` pages up to `head`, the next read in flight
 * while a page is folded.
 */
async function* orderEvents(settings: LoadSettings, head: GlobalPosition): AsyncGenerator<readonly RecordedEvent[]> {
  const bulk = bulkReaderOf(settings.eventStore);
  if (bulk) {
    yield* bulk.readAll({ streamPrefixes: ['order-'] });
    return;
  }
  let next = readPage(settings, undefined);
  for (;;) {
    const page = await next;
    if (page.length === 0) return;
    const last = page.at(-1)!.position;
    const done = page.length < settings.pageSize || comparePositions(last, head) >= 0;
    if (!done) next = readPage(settings, last);
    yield page;
    if (done) return;
  }
}

/**
 * The bulk phase, into empty unindexed tables: every event up to the head is folded in memory;
 * timeline entries and line items stream out as they come (they never change), each table
 * through COPY on a connection of its own, so reading, folding and both writes run side by
 * side; orders are written once at the end in their final state, while `appendOnlyLoaded`
 * indexes the other two. Strict: an event that cannot be applied stops the rebuild.
 */
export async function bulkLoad(
  connect: () => Promise<pg.Client>,
  settings: LoadSettings,
  head: GlobalPosition,
  appendOnlyLoaded: () => Promise<void>,
): Promise<RebuildCursor> {
  const state = new Map<string, ProjectedOrder>();
  const cursor: RebuildCursor = { position: undefined, events: 0, state };
  const connections: pg.Client[] = [];
  try {
    // One at a time: a second that fails to open must not leave the first open.
    connections.push(await connect());
    connections.push(await connect());
    const [first, second] = connections as [pg.Client, pg.Client];
    const timeline = new TableWriter(first, settings.schema, 'fulfillment_events');
    const lineItems = new TableWriter(second, settings.schema, 'production_line_items');
    for await (const page of orderEvents(settings, head)) {
      const folded = foldOrderEvents(state, page, 'strict');
      for (const entry of folded.timeline) timeline.add(timelineLine(entry));
      for (const item of folded.lineItems) lineItems.add(lineItemLine(item));
      cursor.position = page.at(-1)!.position;
      cursor.events += page.length;
      settings.onProgress?.(cursor.events);
      if (timeline.due) await timeline.flush();
      if (lineItems.due) await lineItems.flush();
      if (state.size >= settings.maxOrdersInMemory) break;
    }
    // Orders last, in chunks shared between both connections: the server parses them side by side.
    // The orders' COPYs queue behind the last ones of the other two tables on the same
    // connections, so encoding them starts now; those two tables' indexes build as soon as their
    // rows are in, while the orders are still being written.
    const orders = new TableWriter(first, settings.schema, 'production_orders', ORDER_CHUNK);
    const moreOrders = new TableWriter(second, settings.schema, 'production_orders', ORDER_CHUNK);
    let failed: { readonly error: unknown } | undefined;
    const indexing = Promise.all([timeline.finish(), lineItems.finish()]).then(appendOnlyLoaded);
    indexing.catch((error: unknown) => (failed ??= { error }));
    try {
      let chunk = 0;
      for (const order of state.values()) {
        // A failed timeline or line-item COPY (or index build) ends the load now, not after the orders.
        if (failed) throw failed.error;
        const writer = Math.floor(chunk++ / ORDER_CHUNK) % 2 === 0 ? orders : moreOrders;
        writer.add(orderLine(toOrderRecord(order)));
        if (writer.due) await writer.flush();
      }
      await Promise.all([orders.finish(), moreOrders.finish(), indexing]);
    } catch (error) {
      // Nothing of the load may still run on the rebuild's connections once it has failed.
      await indexing.catch(() => undefined);
      throw error;
    }
  } catch (error) {
    throw await blamedEvent(error, settings.eventStore);
  } finally {
    await Promise.all(connections.map((c) => c.end().catch(() => undefined)));
  }
  if (state.size >= settings.maxOrdersInMemory) cursor.state = undefined;
  return cursor;
}

/**
 * A timeline row the database refused came from one event (its id, order and version are the
 * row's first fields): the rebuild then stops at that event, as it does for one the fold cannot
 * apply, and says which. Anything else is returned as it is.
 */
async function blamedEvent(error: unknown, eventStore: EventStore): Promise<unknown> {
  if (!(error instanceof CopyRowRefusedError) || error.table !== 'fulfillment_events') return error;
  const [eventId, orderId, version] = error.fields;
  const { events } = await eventStore.readStream(orderStreamId(orderId!), { fromVersion: Number(version), maxCount: 1 }).catch(() => ({ events: [] }));
  const event = events[0];
  return event && event.id === eventId ? new RebuildStoppedError(event, error.cause) : error;
}

/**
 * Applies what came after the cursor into the (now indexed) tables, page by page, until a page
 * comes back short: the tables are then close to the head. Returns the orders it changed.
 */
export async function catchUp(db: Queryable, settings: LoadSettings, cursor: RebuildCursor): Promise<Set<string>> {
  const changed = new Set<string>();
  for (;;) {
    const page = await readPage(settings, cursor.position);
    if (page.length === 0) return changed;
    await applyPage(db, settings.schema, cursor, page, changed);
    settings.onProgress?.(cursor.events);
    if (page.length < settings.pageSize) return changed;
  }
}

/** Folds one page (strict) onto the rows and writes the changes. */
export async function applyPage(db: Queryable, schema: string, cursor: RebuildCursor, page: readonly RecordedEvent[], changed: Set<string>): Promise<void> {
  let state = cursor.state;
  if (!state) state = await loadOrders(db, schema, orderIdsOf(page));
  else {
    const missing = orderIdsOf(page).filter((id) => !state!.has(id));
    for (const [id, order] of await loadOrders(db, schema, missing)) state.set(id, order);
  }
  const folded = foldOrderEvents(state, page, 'strict');
  await writeOrderChanges(db, schema, { orders: [...folded.changed.values()].map(toOrderRecord), lineItems: folded.lineItems, timeline: folded.timeline });
  for (const id of folded.changed.keys()) changed.add(id);
  cursor.position = page.at(-1)!.position;
  cursor.events += page.length;
}

import type pg from 'pg';
import { comparePositions, type EventStore, type GlobalPosition, type RecordedEvent } from '../../commands/eventStore.ts';
import { LINE_ITEM_COLUMNS, ORDER_COLUMNS, TIMELINE_COLUMNS } from '../orders/columns.ts';
import { copyRows } from '../orders/copy.ts';
import { foldOrderEvents, orderIdsOf } from '../orders/fold.ts';
import type { LineItemRecord, TimelineRecord } from '../orders/project.ts';
import { toOrderRecord, type ProjectedOrder } from '../orders/records.ts';
import { loadOrders, writeOrderChanges } from '../orders/store.ts';

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

const FLUSH_ROWS = 20_000;
const ORDER_CHUNK = 5_000;

const readPage = (settings: LoadSettings, after: GlobalPosition | undefined): Promise<readonly RecordedEvent[]> =>
  settings.eventStore.readAll({ ...(after ? { after } : {}), maxCount: settings.pageSize, streamPrefixes: ['order-'] });

/**
 * The bulk phase, into empty unindexed tables: every event up to `head` is folded in memory;
 * timeline entries and line items are appended as they come (they never change), orders are
 * written once at the end in their final state. Reading the next page, folding and writing run
 * side by side. Strict: an event that cannot be applied stops the rebuild.
 */
export async function bulkLoad(db: pg.ClientBase, settings: LoadSettings, head: GlobalPosition): Promise<RebuildCursor> {
  const state = new Map<string, ProjectedOrder>();
  const cursor: RebuildCursor = { position: undefined, events: 0, state };
  let timeline: TimelineRecord[] = [];
  let lineItems: LineItemRecord[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    const [entries, items] = [timeline, lineItems];
    timeline = [];
    lineItems = [];
    await writing;
    writing = (async () => {
      await copyRows(db, settings.schema, 'fulfillment_events', TIMELINE_COLUMNS, entries);
      await copyRows(db, settings.schema, 'production_line_items', LINE_ITEM_COLUMNS, items);
    })();
  };

  let next = readPage(settings, undefined);
  for (;;) {
    const page = await next;
    if (page.length === 0) break;
    cursor.position = page.at(-1)!.position;
    const done = page.length < settings.pageSize || comparePositions(cursor.position, head) >= 0;
    if (!done) next = readPage(settings, cursor.position);
    const folded = foldOrderEvents(state, page, 'strict');
    for (const entry of folded.timeline) timeline.push(entry);
    for (const item of folded.lineItems) lineItems.push(item);
    cursor.events += page.length;
    settings.onProgress?.(cursor.events);
    if (timeline.length + lineItems.length >= FLUSH_ROWS) await flush();
    if (done || state.size >= settings.maxOrdersInMemory) break;
  }
  await flush();
  await writing;
  const orders = [...state.values()];
  for (let i = 0; i < orders.length; i += ORDER_CHUNK) {
    await copyRows(db, settings.schema, 'production_orders', ORDER_COLUMNS, orders.slice(i, i + ORDER_CHUNK).map(toOrderRecord));
  }
  if (state.size >= settings.maxOrdersInMemory) cursor.state = undefined;
  return cursor;
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

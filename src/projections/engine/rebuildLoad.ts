import type pg from 'pg';
import {
  comparePositions,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
} from '../../eventstore/eventStore.ts';
import { bulkReaderOf } from '../../eventstore/postgres/index.ts';
import { RebuildStoppedError, type Projection, type RebuildProjection } from './projection.ts';
import { CopyRowRefusedError, TableWriter } from './rebuildRows.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Where a rebuild stands: the position it reached and the events applied. */
export interface RebuildCursor {
  position: GlobalPosition | undefined;
  events: number;
}

/** A projection being rebuilt: its definition and this rebuild's side of it. */
export interface RebuildSlot {
  readonly projection: Projection;
  readonly rebuild: RebuildProjection;
}

export interface LoadSettings {
  readonly eventStore: EventStore;
  readonly schema: string;
  readonly slots: readonly RebuildSlot[];
  /** Every projection's streams. */
  readonly streamPrefixes: readonly string[];
  /** Events per read. */
  readonly pageSize: number;
  /** Entities kept in memory during the bulk load; beyond, the load ends early and the rest goes row by row. */
  readonly maxOrdersInMemory: number;
  readonly onProgress?: (events: number) => void;
}

/** Rows of a final-state table per COPY: the server parses two of them side by side. */
const FINAL_CHUNK = 10_000;

const readPage = (settings: LoadSettings, after: GlobalPosition | undefined): Promise<readonly RecordedEvent[]> =>
  settings.eventStore.readAll({
    ...(after ? { after } : {}),
    maxCount: settings.pageSize,
    streamPrefixes: settings.streamPrefixes,
  });

/** The events of a page a projection takes: of its streams, of types it handles (usually all: no copy). */
function pageFor(projection: Projection, page: readonly RecordedEvent[]): readonly RecordedEvent[] {
  const takes = (event: RecordedEvent): boolean =>
    projection.canHandle(event.type) && projection.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix));
  return page.every(takes) ? page : page.filter(takes);
}

/**
 * Every event up to the head, in batches: streamed by the store's bulk reader when it has
 * one (PostgreSQL: binary COPY), else `readAll` pages up to `head`, the next read in flight
 * while a page is folded.
 */
async function* storeEvents(settings: LoadSettings, head: GlobalPosition): AsyncGenerator<readonly RecordedEvent[]> {
  const bulk = bulkReaderOf(settings.eventStore);
  if (bulk) {
    yield* bulk.readAll({ streamPrefixes: [...settings.streamPrefixes] });
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

const held = (slots: readonly RebuildSlot[]): number => slots.reduce((sum, slot) => sum + slot.rebuild.held, 0);

/**
 * The bulk phase, into empty unindexed tables: every event up to the head is folded in memory;
 * rows of `streamed` tables (written once, never changed) go out as they come, each table
 * through COPY on one of two connections in turn, so reading, folding and writing run side by
 * side; rows of `final` tables are written once at the end in their final state, in chunks
 * shared between both connections, while `streamedLoaded` indexes the others. Strict: an event
 * that cannot be applied stops the rebuild. Returns whether it read everything (else the
 * projections' state outgrew `maxOrdersInMemory` and the rest is for the catch-up).
 */
export async function bulkLoad(
  connect: () => Promise<pg.Client>,
  settings: LoadSettings,
  head: GlobalPosition,
  cursor: RebuildCursor,
  streamedLoaded: () => Promise<void>,
): Promise<void> {
  const connections: pg.Client[] = [];
  const tables = settings.slots.flatMap((slot) => slot.projection.tables);
  try {
    // One at a time: a second that fails to open must not leave the first open.
    connections.push(await connect());
    connections.push(await connect());
    const [first, second] = connections as [pg.Client, pg.Client];
    const streamed = new Map<string, TableWriter>();
    for (const table of tables.filter((t) => t.load === 'streamed').reverse()) {
      // Largest (last listed) first on the first connection; then in turn.
      streamed.set(table.name, new TableWriter(streamed.size % 2 === 0 ? first : second, settings.schema, table));
    }
    const sinks = (name: string): TableWriter => {
      const writer = streamed.get(name);
      if (!writer) throw new Error(`${name} is not a streamed table of a rebuilt projection`);
      return writer;
    };
    const writers = [...streamed.values()];
    for await (const page of storeEvents(settings, head)) {
      for (const slot of settings.slots) slot.rebuild.bulk(pageFor(slot.projection, page), sinks);
      cursor.position = page.at(-1)!.position;
      cursor.events += page.length;
      settings.onProgress?.(cursor.events);
      for (const writer of writers) if (writer.due) await writer.flush();
      if (held(settings.slots) >= settings.maxOrdersInMemory) break;
    }
    // Rows of streamed tables a projection held back until the end (still open after the last page).
    for (const slot of settings.slots) {
      for (const table of slot.projection.tables.filter((t) => t.load === 'streamed')) {
        const writer = sinks(table.name);
        for (const line of slot.rebuild.finalLines(table.name)) {
          writer.add(line);
          if (writer.due) await writer.flush();
        }
      }
    }
    // Final-state rows last, in chunks shared between both connections. Their COPYs queue behind
    // the last ones of the streamed tables on the same connections, so encoding them starts now;
    // the streamed tables' indexes build as soon as their rows are in.
    let failed: { readonly error: unknown } | undefined;
    const indexing = Promise.all(writers.map((writer) => writer.finish())).then(streamedLoaded);
    indexing.catch((error: unknown) => (failed ??= { error }));
    try {
      const finishing: Promise<void>[] = [];
      for (const slot of settings.slots) {
        for (const table of slot.projection.tables.filter((t) => t.load === 'final')) {
          const halves = [
            new TableWriter(first, settings.schema, table, FINAL_CHUNK),
            new TableWriter(second, settings.schema, table, FINAL_CHUNK),
          ] as const;
          let chunk = 0;
          for (const line of slot.rebuild.finalLines(table.name)) {
            // A failed streamed COPY (or index build) ends the load now, not after the final rows.
            if (failed) throw failed.error;
            const writer = halves[Math.floor(chunk++ / FINAL_CHUNK) % 2]!;
            writer.add(line);
            if (writer.due) await writer.flush();
          }
          finishing.push(...halves.map((writer) => writer.finish()));
        }
      }
      await Promise.all([...finishing, indexing]);
    } catch (error) {
      // Nothing of the load may still run on the rebuild's connections once it has failed.
      await indexing.catch(() => undefined);
      throw error;
    }
  } catch (error) {
    throw await blamedEvent(error, settings);
  } finally {
    await Promise.all(connections.map((c) => c.end().catch(() => undefined)));
  }
  if (held(settings.slots) >= settings.maxOrdersInMemory) for (const slot of settings.slots) slot.rebuild.forget();
}

/**
 * A row the database refused may name the event it came from (the projection says how): the
 * rebuild then stops at that event, as it does for one the fold cannot apply, and says which.
 * Anything else is returned as it is.
 */
async function blamedEvent(error: unknown, settings: LoadSettings): Promise<unknown> {
  if (!(error instanceof CopyRowRefusedError)) return error;
  for (const { projection, rebuild } of settings.slots) {
    if (!projection.tables.some((table) => table.name === error.table) || !rebuild.blame) continue;
    const source = rebuild.blame(error.table, error.fields);
    if (!source) return error;
    const { events } = await settings.eventStore
      .readStream(source.streamId, { fromVersion: source.version, maxCount: 1 })
      .catch(() => ({ events: [] }));
    const event = events[0];
    return event && event.id === source.eventId ? new RebuildStoppedError(event, error.cause) : error;
  }
  return error;
}

/**
 * Applies what came after the cursor into the (now indexed) tables, page by page, until a page
 * comes back short: the tables are then close to the head.
 */
export async function catchUp(db: Queryable, settings: LoadSettings, cursor: RebuildCursor): Promise<void> {
  for (;;) {
    const page = await readPage(settings, cursor.position);
    if (page.length === 0) return;
    await applyPage(db, settings, cursor, page);
    settings.onProgress?.(cursor.events);
    if (page.length < settings.pageSize) return;
  }
}

/** Folds one page (strict) onto the rows of every projection and writes the changes. */
export async function applyPage(
  db: Queryable,
  settings: LoadSettings,
  cursor: RebuildCursor,
  page: readonly RecordedEvent[],
): Promise<void> {
  for (const slot of settings.slots) {
    const mine = pageFor(slot.projection, page);
    if (mine.length > 0) await slot.rebuild.apply(db, settings.schema, mine);
  }
  cursor.position = page.at(-1)!.position;
  cursor.events += page.length;
}

/**
 * Fast path, see docs/adr/0008-bulk-event-reader.md. `$all` for a rebuild as binary COPY on a
 * connection of its own, replacing the port's `readAll` pages (a query per 10,000 events, rows as
 * pg objects) with the same events, order and horizon rule (tested against `readAll`).
 */
import pg from 'pg';
import type { EventStore, GlobalPosition, JsonObject, RecordedEvent } from '../eventStore.ts';
import { CopyOut, FieldReader } from './copyOut.ts';

export interface BulkReadOptions {
  /** Start strictly after this position; omitted: from the very beginning. */
  readonly after?: GlobalPosition;
  /** Only streams whose id starts with one of these prefixes. Omitted: all. */
  readonly streamPrefixes?: readonly string[];
  /** Events per yielded batch. Default 2,000. */
  readonly batchSize?: number;
  /** Events per COPY statement (each statement is one snapshot, like one `readAll` page). Default 200,000. */
  readonly chunkSize?: number;
}

/**
 * `$all` for a bulk consumer (a rebuild): exactly what successive `readAll` pages would give,
 * in the same order, under the same rule (only rows of transactions older than the oldest one
 * running), but streamed with binary COPY on a connection of its own instead of pages of
 * objects built by pg. Ends, like a short `readAll` page, when a statement found fewer events
 * than `chunkSize`: the reader is then at the head as it stood.
 */
export interface BulkEventReader {
  readAll(options?: BulkReadOptions): AsyncIterable<readonly RecordedEvent[]>;
}

const readers = new WeakMap<EventStore, BulkEventReader>();

/** The bulk reader of a PostgreSQL store; undefined for any other store (use `readAll` then). */
export const bulkReaderOf = (store: EventStore): BulkEventReader | undefined => readers.get(store);

/** Called by the PostgreSQL store on creation: a rebuild finds the reader through the store it was given. */
export function registerBulkReader(store: EventStore, config: pg.ClientConfig): void {
  readers.set(store, { readAll: (options) => readAllBulk(config, options ?? {}) });
}

const fields = new FieldReader();

/**
 * An event as the port describes it. Metadata and the recording instant are decoded on first
 * use: a rebuild's fold never reads them, and they were a tenth of the decoding and of the
 * objects the garbage collector saw per event.
 */
class CopiedEvent implements RecordedEvent {
  readonly #metadataText: string;
  readonly #recordedAtMs: number;
  #metadata: JsonObject | undefined;
  #recordedAt: Date | undefined;

  constructor(
    readonly id: string,
    readonly type: string,
    readonly data: JsonObject,
    readonly streamId: string,
    readonly streamVersion: number,
    readonly position: GlobalPosition,
    metadataText: string,
    recordedAtMs: number,
  ) {
    this.#metadataText = metadataText;
    this.#recordedAtMs = recordedAtMs;
  }

  get metadata(): JsonObject {
    return (this.#metadata ??= JSON.parse(this.#metadataText) as JsonObject);
  }

  get recordedAt(): Date {
    return (this.#recordedAt ??= new Date(this.#recordedAtMs));
  }
}

/**
 * The columns below, in order, into the port's event shape (pg's own parsers give the same
 * values). Nothing here keeps a reference to `row`: its buffer is reused for later rows.
 */
function decodeEvent(row: Buffer, offset: number): RecordedEvent {
  const f = fields.at(row, offset);
  const id = f.text();
  const type = f.text();
  const data = JSON.parse(f.text(1)) as JsonObject;
  const metadataText = f.text(1);
  const streamId = f.text();
  const streamVersion = f.int8AsNumber();
  const commit = f.unsignedBigint();
  const prepare = f.bigint();
  return new CopiedEvent(id, type, data, streamId, streamVersion, { commit, prepare }, metadataText, f.timestampMs());
}

/**
 * One statement of the read: COPY takes no bind parameters, so the cursor (two integers) and the
 * prefixes (quoted by pg's escapeLiteral) are written into the text. The horizon is a one-time
 * subquery, so the whole statement sees one `pg_snapshot_xmin` (reads.ts does the same).
 */
function chunkSql(after: GlobalPosition, prefixes: readonly string[] | undefined, limit: number): string {
  const filter =
    prefixes === undefined
      ? ''
      : `and (${prefixes.length === 0 ? 'false' : prefixes.map((p) => `starts_with(e.stream_id, ${pg.Client.prototype.escapeLiteral(p)})`).join(' or ')})`;
  return `copy (
    select e.event_id::text, e.event_type, e.data, e.metadata, e.stream_id, e.stream_version, e.transaction_id, e.global_position, e.recorded_at
    from es_events e
    where (e.transaction_id, e.global_position) > ('${after.commit.toString()}'::xid8, ${after.prepare.toString()}::bigint)
      and e.transaction_id < (select pg_snapshot_xmin(pg_current_snapshot()))
      ${filter}
    order by e.transaction_id, e.global_position
    limit ${limit}
  ) to stdout (format binary)`;
}

async function* readAllBulk(
  config: pg.ClientConfig,
  options: BulkReadOptions,
): AsyncGenerator<readonly RecordedEvent[]> {
  const batchSize = options.batchSize ?? 500;
  const chunkSize = options.chunkSize ?? 200_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || !Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError('batchSize and chunkSize must be whole numbers >= 1');
  }
  let cursor = options.after ?? { commit: 0n, prepare: 0n };
  const client = new pg.Client(config);
  // A dropped connection fails the COPY in flight (thrown from the loop below); unheard, the
  // client's error event would end the process.
  client.on('error', () => undefined);
  await client.connect();
  // One ordered index scan streamed out is all this needs: a parallel plan (PostgreSQL picks one
  // for a large page) passed every row through worker queues and doubled the server's CPU.
  await client.query('set max_parallel_workers_per_gather = 0');
  let copy: CopyOut<RecordedEvent> | undefined;
  try {
    for (;;) {
      copy = new CopyOut(chunkSql(cursor, options.streamPrefixes, chunkSize), decodeEvent, batchSize);
      void client.query(copy);
      for await (const batch of copy) {
        cursor = batch.at(-1)!.position;
        yield batch;
      }
      if (copy.rows < chunkSize) return;
    }
  } finally {
    // A consumer that stops early leaves a COPY streaming: drop the connection rather than drain it.
    if (copy && !copy.finished)
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await client.end().catch(() => undefined);
  }
}

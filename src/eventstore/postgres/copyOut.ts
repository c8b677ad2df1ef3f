/**
 * Fast path, see docs/adr/0008-bulk-event-reader.md. Replaces pg's query results (an object per
 * row) with binary COPY TO STDOUT decoded straight from the socket, for the rebuild's bulk reader:
 * pg's result objects were most of Node's time per event in a rebuild.
 */
import type pg from 'pg';
import { utf8Slice } from '../../db/utf8.ts';

/** Row decoder: one binary COPY tuple (fields after the field count) → a value that keeps no reference to the buffer. */
export type RowDecoder<T> = (row: Buffer, offset: number) => T;

/** COPY's binary header: signature, flags, extension length (zero). */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_LENGTH = SIGNATURE.length + 8;
/** Room for one batch of rows as they arrive (grown when a batch needs more). */
const ARENA_BYTES = 512 << 10;

/**
 * `COPY (…) TO STDOUT (FORMAT binary)` through pg's "submittable" protocol (pg has no COPY of
 * its own and pg-copy-streams is not a dependency): PostgreSQL sends one CopyData message per
 * row, each decoded here straight from the socket's buffer, without pg's per-row result objects.
 * Rows come out as batches through an async iterator; while `maxQueued` batches wait for the
 * consumer the socket is paused, so a slow consumer holds the server back instead of memory.
 */
export class CopyOut<T> implements pg.Submittable, AsyncIterable<T[]> {
  rows = 0;
  #arena: Buffer = Buffer.allocUnsafe(ARENA_BYTES);
  #used = 0;
  #starts: number[] = [];
  readonly #queue: { arena: Buffer; starts: number[] }[] = [];
  /** Arenas whose rows are decoded, ready to take new ones (decoded rows keep no reference to them). */
  readonly #free: Buffer[] = [];
  #wake: (() => void) | undefined;
  #error: Error | undefined;
  #finished = false;
  #socket: { pause(): void; resume(): void } | undefined;
  #paused = false;

  constructor(
    private readonly text: string,
    private readonly decode: RowDecoder<T>,
    private readonly batchSize: number,
    private readonly maxQueued = 8,
  ) {}

  /** True once the statement has ended (all rows delivered or an error). */
  get finished(): boolean {
    return this.#finished;
  }

  submit(connection: pg.Connection): void {
    this.#socket = (connection as unknown as { stream: { pause(): void; resume(): void } }).stream;
    (connection as unknown as { query(text: string): void }).query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    const chunk = message.chunk;
    let offset = 0;
    // The header arrives in front of the first row (or alone); the trailer is a field count of -1.
    if (chunk.length >= SIGNATURE.length && chunk.compare(SIGNATURE, 0, SIGNATURE.length, 0, SIGNATURE.length) === 0) {
      offset = HEADER_LENGTH + chunk.readInt32BE(SIGNATURE.length + 4);
      if (offset >= chunk.length) return;
    }
    if (chunk.readInt16BE(offset) === -1) return;
    // Rows are decoded when the consumer takes their batch, not here: waiting batches are then
    // plain bytes outside the JS heap, not objects the garbage collector copies around. The
    // bytes are copied: pg's parser reuses the buffer the message points into.
    const length = chunk.length - offset - 2;
    if (this.#used + length > this.#arena.length) this.#grow(length);
    this.#starts.push(this.#used);
    chunk.copy(this.#arena, this.#used, offset + 2);
    this.#used += length;
    this.rows += 1;
    if (this.#starts.length >= this.batchSize) this.#deliver();
  }

  /**
   * Ends the read at once: after an ErrorResponse or a dead connection pg forgets the statement,
   * so `handleReadyForQuery` never comes, and the consumer waited for it forever.
   */
  handleError(error: Error): void {
    this.#error ??= error;
    this.#finished = true;
    this.#resume();
    this.#wake?.();
  }

  handleReadyForQuery(): void {
    this.#deliver();
    this.#finished = true;
    this.#resume();
    this.#wake?.();
  }

  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('a COPY TO reader sends nothing');
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}

  async *[Symbol.asyncIterator](): AsyncIterator<T[]> {
    for (;;) {
      const raw = this.#queue.shift();
      if (raw) {
        if (this.#queue.length < this.maxQueued) this.#resume();
        const batch = new Array<T>(raw.starts.length);
        for (let i = 0; i < batch.length; i += 1) batch[i] = this.decode(raw.arena, raw.starts[i]!);
        this.#free.push(raw.arena);
        yield batch;
        continue;
      }
      if (this.#finished) {
        if (this.#error) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }

  #deliver(): void {
    if (this.#starts.length === 0) return;
    this.#queue.push({ arena: this.#arena, starts: this.#starts });
    this.#arena = this.#free.pop() ?? Buffer.allocUnsafe(ARENA_BYTES);
    this.#used = 0;
    this.#starts = [];
    if (this.#queue.length >= this.maxQueued && !this.#paused) {
      this.#paused = true;
      this.#socket?.pause();
    }
    this.#wake?.();
  }

  #grow(needed: number): void {
    const larger = Buffer.allocUnsafe(Math.max(this.#arena.length * 2, this.#used + needed));
    this.#arena.copy(larger, 0, 0, this.#used);
    this.#arena = larger;
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#socket?.resume();
  }
}

/** Reads a binary COPY tuple field by field: each is an int32 length (-1: null), then its bytes. */
export class FieldReader {
  offset = 0;
  buffer: Buffer = Buffer.alloc(0);

  at(buffer: Buffer, offset: number): this {
    this.buffer = buffer;
    this.offset = offset;
    return this;
  }

  /** Text (or, with `skip` 1, jsonb: a version byte, then its text). */
  text(skip = 0): string {
    const length = this.#length();
    if (length < 0) throw new Error('unexpected null in a COPY row');
    const start = this.offset;
    this.offset += length;
    return utf8Slice(this.buffer, start + skip, start + length);
  }

  bigint(): bigint {
    this.#length();
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  /** xid8 is unsigned. */
  unsignedBigint(): bigint {
    this.#length();
    const value = this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  /** int8 that fits a double (versions, counters). */
  int8AsNumber(): number {
    this.#length();
    const value = this.buffer.readInt32BE(this.offset) * 0x1_0000_0000 + this.buffer.readUInt32BE(this.offset + 4);
    this.offset += 8;
    return value;
  }

  /** timestamptz: microseconds since 2000-01-01 UTC, to Unix milliseconds (truncated as pg's text parser does). */
  timestampMs(): number {
    this.#length();
    const micros = this.buffer.readInt32BE(this.offset) * 0x1_0000_0000 + this.buffer.readUInt32BE(this.offset + 4);
    this.offset += 8;
    return POSTGRES_EPOCH_MS + Math.floor(micros / 1000);
  }

  #length(): number {
    const length = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return length;
  }
}

const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

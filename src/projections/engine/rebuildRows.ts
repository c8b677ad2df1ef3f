import type pg from 'pg';
import { utf8Write } from '../../db/utf8.ts';
import { copyData, copyInSql } from './copy.ts';
import type { ReadTable } from './table.ts';

/**
 * Rows for one table on a connection of its own, sent as one COPY per `flushRows` lines. One
 * COPY runs while the next is being built; a caller that gets ahead waits in `flush`. Short
 * statements, not one COPY for the whole load: a writing transaction holds back the event
 * store's read horizon (and so the live projector) for as long as it runs.
 */
export class TableWriter {
  #buffer: Buffer = Buffer.allocUnsafe(INITIAL_BUFFER);
  #spare: Buffer | undefined;
  #length = 0;
  #pending = '';
  #rows = 0;
  #inFlight: Promise<void> = Promise.resolve();

  readonly #sql: string;

  constructor(
    private readonly client: pg.ClientBase,
    schema: string,
    private readonly table: ReadTable,
    private readonly flushRows = 20_000,
  ) {
    this.#sql = copyInSql(schema, table.name, table.columns);
  }

  /**
   * Adds a line. Lines are joined into a string of up to PENDING_CHARS and then encoded into the
   * outgoing buffer in one call: a call into the encoder costs more than encoding a line.
   */
  add(line: string): void {
    this.#pending += line;
    this.#rows += 1;
    if (this.#pending.length >= PENDING_CHARS) this.#encodePending();
  }

  #encodePending(): void {
    const pending = this.#pending;
    this.#pending = '';
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.#length + pending.length * 3 > this.#buffer.length) this.#grow(pending.length * 3);
    this.#length += utf8Write(this.#buffer, pending, this.#length);
  }

  get due(): boolean {
    return this.#rows >= this.flushRows;
  }

  async flush(): Promise<void> {
    this.#encodePending();
    const filled = this.#buffer;
    const data = filled.subarray(0, this.#length);
    await this.#inFlight;
    // Two buffers take turns: the one the finished COPY sent is filled next (fresh ones cost page faults).
    this.#buffer = this.#spare ?? Buffer.allocUnsafe(filled.length);
    this.#spare = filled;
    this.#length = 0;
    this.#rows = 0;
    this.#inFlight = copyData(this.client, this.#sql, data).catch((error: unknown) => {
      throw refusedRow(error, this.table.name, data);
    });
    // Seen by the next flush or finish; until then it must not count as unhandled.
    this.#inFlight.catch(() => undefined);
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.#inFlight;
  }

  #grow(needed: number): void {
    const larger = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + needed));
    this.#buffer.copy(larger, 0, 0, this.#length);
    this.#buffer = larger;
  }
}

/**
 * The database refused a row of a bulk load's COPY (a value its column cannot take). `fields`
 * are the row's values as sent (COPY text, escaped): enough to name the order, and for the
 * timeline the event, it came from.
 */
export class CopyRowRefusedError extends Error {
  override readonly name = 'CopyRowRefusedError';
  constructor(
    readonly table: string,
    readonly fields: readonly string[],
    cause: Error,
  ) {
    // A row's first fields are its key (the orders': the order's id; the timeline's: event and order).
    super(`The database refused a ${table} row (${fields.slice(0, 2).join(', ')}): ${cause.message}`, { cause });
  }
}

/**
 * The COPY's error, with the row it names when it names one: PostgreSQL reports the row's line
 * within the statement (`where`: "COPY <table>, line <n>, …"), and `data` is what was sent.
 */
function refusedRow(error: unknown, table: string, data: Buffer): unknown {
  const line = /^COPY [^,]+, line (\d+)/.exec((error as { where?: unknown }).where as string)?.[1];
  if (!line || !(error instanceof Error)) return error;
  let start = 0;
  for (let n = 1; n < Number(line); n += 1) {
    start = data.indexOf(0x0a, start) + 1;
    if (start === 0) return error;
  }
  const end = data.indexOf(0x0a, start);
  return new CopyRowRefusedError(table, data.toString('utf8', start, end < 0 ? data.length : end).split('\t'), error);
}

/** Characters of lines joined before they are encoded. */
const PENDING_CHARS = 32 * 1024;

/** Room for a flush of timeline rows (~270 bytes each) without growing. */
const INITIAL_BUFFER = 8 << 20;

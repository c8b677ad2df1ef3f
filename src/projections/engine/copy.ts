/**
 * Fast path, see docs/adr/0007-rebuild-bulk-load.md. A rebuild writes its fresh tables with
 * COPY … FROM STDIN instead of the live projector's statements (`store.ts`), through pg's
 * "submittable" protocol since pg has no COPY of its own: COPY costs the server under a third of
 * the statements' CPU per timeline row, the table with a row per event.
 */
import type pg from 'pg';
import { qualified, rowEncoder, type Columns } from './table.ts';

/**
 * Bulk insert with COPY … FROM STDIN (text format), for a rebuild's load into fresh tables
 * (why, and the figures: docs/adr/0007-rebuild-bulk-load.md).
 * pg has no COPY support of its own (pg-copy-streams is not a dependency), so this is the small
 * "submittable" protocol pg offers for it: the client hands us the connection once COPY starts.
 */
class CopyIn implements pg.Submittable {
  readonly done: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: Error) => void;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  submit(connection: pg.Connection): void {
    (connection as unknown as { query(text: string): void }).query(this.text);
  }

  /**
   * The rows go out as one CopyData message whose 5-byte header is written ahead of them, the
   * rows' buffer itself behind it: pg's sendCopyFromChunk copied every flush (megabytes) into a
   * message buffer grown by doubling. The caller keeps the buffer untouched until the COPY ends.
   */
  handleCopyInResponse(connection: {
    stream: { writable: boolean; write(chunk: Buffer): boolean };
    endCopyFrom(): void;
  }): void {
    const header = Buffer.allocUnsafe(5);
    header[0] = 0x64; // 'd', CopyData
    header.writeUInt32BE(this.data.length + 4, 1);
    if (connection.stream.writable) {
      connection.stream.write(header);
      connection.stream.write(this.data);
    }
    connection.endCopyFrom();
  }

  /**
   * Settles at once: after an ErrorResponse (a row the server refuses) or a dead connection pg
   * forgets the statement, so `handleReadyForQuery` never comes, and waiting for it hung the
   * load for good.
   */
  handleError(error: Error): void {
    this.#reject(error);
  }

  handleReadyForQuery(): void {
    this.#resolve();
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
  handlePortalSuspended(): void {}
}

/** COPY's text-format statement for these columns of `schema.table`. */
export const copyInSql = (schema: string, table: string, columns: Columns): string =>
  `copy ${qualified(schema, table)} (${Object.keys(columns).join(', ')}) from stdin`;

/** Sends encoded lines (COPY text format, each ending in a newline) in one COPY. */
export async function copyData(client: pg.ClientBase, sql: string, data: Buffer): Promise<void> {
  if (data.length === 0) return;
  const copy = new CopyIn(sql, data);
  client.query(copy);
  await copy.done;
}

/** Inserts `rows` (objects keyed by column) into `schema.table` in one COPY. */
export async function copyRows(
  client: pg.ClientBase,
  schema: string,
  table: string,
  columns: Columns,
  rows: readonly object[],
): Promise<void> {
  const encode = rowEncoder(columns);
  let lines = '';
  for (const row of rows) lines += encode(row);
  await copyData(client, copyInSql(schema, table, columns), Buffer.from(lines, 'utf8'));
}

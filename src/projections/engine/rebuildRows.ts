import type pg from 'pg';
import { utf8Write } from '../../db/utf8.ts';
import { LINE_ITEM_COLUMNS, PROJECTED_TABLES, TIMELINE_COLUMNS, type ProjectedTableName } from '../orders/columns.ts';
import { copyData, copyInSql, escapeText, rowEncoder } from './copy.ts';
import type { LineItemRecord, TimelineRecord } from '../orders/project.ts';
import type { OrderRecord } from '../orders/records.ts';

const anyTimeline = rowEncoder(TIMELINE_COLUMNS);
const anyLineItem = rowEncoder(LINE_ITEM_COLUMNS);

/**
 * A timeline row as a COPY text line: the bulk load writes one per event, so this is
 * `rowEncoder(TIMELINE_COLUMNS)` written out for the record's known shape (same output, a test
 * checks it). Ids, versions and positions are uuids and digits, and status, actor type and event
 * type come from fixed lists (status labels, the guard's actor types, known event types): none
 * needs escaping. Anything unexpected in them (a null) goes the generic way.
 */
export function timelineLine(r: TimelineRecord): string {
  if (r.message === null || r.id === null) return anyTimeline(r);
  return `${r.id}\t${r.order_id}\t${r.stream_version}\t${r.status}\t${escapeText(r.message)}\t${escapeText(JSON.stringify(r.metadata))}\t${escapeText(r.occurred_at)}\t${r.actor_type}\t${escapeText(r.actor_id)}\t${r.event_type}\t${r.position_commit}\t${r.position_prepare}\n`;
}

/** A line item row as a COPY text line (see {@link timelineLine}). */
export function lineItemLine(r: LineItemRecord): string {
  if (r.id === null) return anyLineItem(r);
  return `${r.id}\t${r.order_id}\t${r.line_no}\t${escapeText(r.size)}\t${r.quantity}\t${escapeText(r.technique)}\t${r.unit_price_cents}\t${escapeText(JSON.stringify(r.metadata))}\t${escapeText(r.created_at)}\n`;
}

// The values of `rowEncoder`'s field(), one per column kind, for a known shape.
const t = (v: string | null | undefined): string => (v === null || v === undefined ? '\\N' : escapeText(v));
const n = (v: string | number | null | undefined): string => (v === null || v === undefined ? '\\N' : String(v));
const b = (v: boolean | null | undefined): string => (v === null || v === undefined ? '\\N' : v ? 't' : 'f');
const j = (v: unknown): string => (v === null || v === undefined ? '\\N' : escapeText(JSON.stringify(v)));

/** An order row as a COPY text line: `rowEncoder(ORDER_COLUMNS)` written out (a test checks they agree). */
export const orderLine = (r: OrderRecord): string =>
  `${n(r.id)}\t${n(r.user_id)}\t${n(r.project_id)}\t${t(r.reference)}\t${t(r.status)}\t${t(r.notes)}\t${j(r.metadata)}\t${t(r.created_at)}\t${t(r.updated_at)}\t${t(r.priority)}\t${t(r.hold_reason)}\t${t(r.prompt)}\t${t(r.design_url)}\t${t(r.garment_id)}\t${j(r.garment)}\t${n(r.total_cents)}\t${t(r.currency)}\t${t(r.stripe_checkout_session_id)}\t${t(r.checkout_url)}\t${b(r.checkout_simulated)}\t${t(r.payment_session_id)}\t${t(r.stripe_payment_intent_id)}\t${n(r.paid_cents)}\t${t(r.paid_currency)}\t${t(r.paid_at)}\t${b(r.payment_mismatch)}\t${t(r.last_payment_failure)}\t${n(r.refunded_cents)}\t${b(r.canceled)}\t${t(r.canceled_by)}\t${t(r.cancel_reason)}\t${b(r.refund_due)}\t${t(r.submitted_at)}\t${t(r.approved_at)}\t${t(r.in_production_at)}\t${t(r.fulfilled_at)}\t${t(r.canceled_at)}\t${t(r.tracking_number)}\t${t(r.tracking_url)}\t${t(r.carrier)}\t${t(r.public_tracking_token)}\t${j(r.eta_clock)}\t${t(r.eta_at)}\t${n(r.version)}\t${n(r.position_commit)}\t${n(r.position_prepare)}\t${b(r.refund_excess)}\t${b(r.refund_failed)}\t${t(r.refund_failure_reason)}\t${t(r.dispute_id)}\t${t(r.dispute_status)}\t${t(r.dispute_evidence_due_by)}\t${b(r.disputed)}\n`;

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
    private readonly table: ProjectedTableName,
    private readonly flushRows = 20_000,
  ) {
    this.#sql = copyInSql(schema, table, PROJECTED_TABLES.find((t) => t.name === table)!.columns);
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
      throw refusedRow(error, this.table, data);
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
    readonly table: ProjectedTableName,
    readonly fields: readonly string[],
    cause: Error,
  ) {
    // Every projected row names its order: the orders' own id comes first, the others' second.
    super(`The database refused a ${table} row of order ${fields[table === 'production_orders' ? 0 : 1]}: ${cause.message}`, { cause });
  }
}

/**
 * The COPY's error, with the row it names when it names one: PostgreSQL reports the row's line
 * within the statement (`where`: "COPY <table>, line <n>, …"), and `data` is what was sent.
 */
function refusedRow(error: unknown, table: ProjectedTableName, data: Buffer): unknown {
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

import type pg from 'pg';
import { AppError } from '../../domain/errors.ts';
import type { AppendResult, ExpectedVersion, GlobalPosition } from '../eventStore.ts';
import { comparePositions } from '../eventStore.ts';
import { tryFastAppend } from './fastAppend.ts';

/** One caller's append, already validated and serialised, waiting for a batch. */
export interface PendingAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  /** `expectedVersion` as the SQL takes it (see validate.ts). */
  readonly encodedExpected: number;
  /** The events as the JSON array the SQL takes: [{ i, t, d, m }]. */
  readonly eventsJson: string;
  readonly eventCount: number;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface BatchRow {
  r_index: number;
  r_outcome: 'ok' | 'duplicate' | 'conflict' | 'id_reused';
  r_version: string;
  r_commit: string | null;
  r_position: string | null;
}

export interface AppendBatcherOptions {
  /** Batches in flight at once: while one commits (fsync), the next one forms. */
  readonly writers: number;
  /** A batch closes at this many events (at least one append always goes). */
  readonly maxBatchEvents: number;
  /** Called after each commit that wrote something, with the newest position it wrote. */
  readonly onCommitted: (position: GlobalPosition) => void;
}

const APPEND_SQL =
  'select r_index, r_outcome, r_version::text, r_commit::text, r_position::text from es_append_batch($1::jsonb)';
/** deadlock_detected, serialization_failure: the batch did nothing and may simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_RETRIES = 5;
/** Data PostgreSQL refuses (e.g. \u0000 in jsonb, a value too large): the caller's input, not our fault. */
const BAD_INPUT_CODES = new Set(['22P02', '22P05', '22023', '22001', '54000']);

/**
 * Group commit: concurrent appends share one transaction, one round trip and one WAL flush.
 * The first append goes out alone at once (lowest latency for one writer); while batches are in
 * flight, new appends queue and the next free writer takes them all.
 */
export class AppendBatcher {
  #queue: PendingAppend[] = [];
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: AppendBatcherOptions,
  ) {}

  submit(append: Omit<PendingAppend, 'resolve' | 'reject'>): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ ...append, resolve, reject });
      this.#pump();
    });
  }

  /** Resolves once no append is queued or in flight. */
  drained(): Promise<void> {
    if (this.#inFlight === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#inFlight < this.options.writers && this.#queue.length > 0) {
      const batch = this.#takeBatch();
      this.#inFlight += 1;
      void this.#run(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
        if (this.#inFlight === 0 && this.#queue.length === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
  }

  /**
   * Takes queued appends in order, at most one per stream (es_append_batch decides a batch's
   * appends side by side); a second append to a stream waits, in order, for a later batch.
   */
  #takeBatch(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const streams = new Set<string>();
    const left: PendingAppend[] = [];
    let events = 0;
    let i = 0;
    for (; i < this.#queue.length && events < this.options.maxBatchEvents; i += 1) {
      const append = this.#queue[i]!;
      const fits = batch.length === 0 || events + append.eventCount <= this.options.maxBatchEvents;
      if (fits && !streams.has(append.streamId)) {
        batch.push(append);
        events += append.eventCount;
      } else left.push(append);
      streams.add(append.streamId);
    }
    this.#queue = left.concat(this.#queue.slice(i));
    return batch;
  }

  async #run(batch: readonly PendingAppend[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const single = batch.length === 1 ? await tryFastAppend(this.pool, batch[0]!) : undefined;
        if (single) {
          this.#settle(batch, [
            {
              r_index: 0,
              r_outcome: 'ok',
              r_version: single.version,
              r_commit: single.commit,
              r_position: single.position,
            },
          ]);
          return;
        }
        const argument = `[${batch.map((a) => `{"s":${JSON.stringify(a.streamId)},"e":${a.encodedExpected},"ev":${a.eventsJson}}`).join(',')}]`;
        const { rows } = await this.pool.query<BatchRow>({
          name: 'es_append_batch',
          text: APPEND_SQL,
          values: [argument],
        });
        this.#settle(batch, rows);
        return;
      } catch (error) {
        if (RETRYABLE.has(sqlState(error)) && attempt < MAX_RETRIES) {
          // A short random pause so two batches that just deadlocked do not meet again at once.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
          continue;
        }
        if (batch.length > 1) {
          // One bad append must not fail the others: run each on its own to find out which it was.
          for (const append of batch) await this.#run([append]);
          return;
        }
        batch[0]?.reject(toAppError(error, batch[0]));
        return;
      }
    }
  }

  #settle(batch: readonly PendingAppend[], rows: readonly BatchRow[]): void {
    let newest: GlobalPosition | undefined;
    for (const row of rows) {
      const append = batch[row.r_index];
      if (!append) continue;
      const version = Number(row.r_version);
      switch (row.r_outcome) {
        case 'ok':
        case 'duplicate': {
          const position = { commit: BigInt(row.r_commit!), prepare: BigInt(row.r_position!) };
          if (row.r_outcome === 'ok' && (!newest || comparePositions(position, newest) > 0)) newest = position;
          append.resolve({ nextVersion: version, position, duplicate: row.r_outcome === 'duplicate' });
          break;
        }
        case 'conflict':
          append.reject(versionConflict(append, version));
          break;
        case 'id_reused':
          append.reject(
            new AppError(
              'BAD_USER_INPUT',
              `Event ids of this append are already stored, but not as these events of stream ${append.streamId}`,
              { streamId: append.streamId },
            ),
          );
          break;
        default: {
          const _exhaustive: never = row.r_outcome;
          append.reject(new Error(`es_append_batch answered an unknown outcome: ${String(_exhaustive)}`));
        }
      }
    }
    if (newest) this.options.onCommitted(newest);
  }
}

function versionConflict(append: PendingAppend, actualVersion: number): AppError {
  return new AppError(
    'VERSION_CONFLICT',
    `Stream ${append.streamId} is at version ${actualVersion}, expected ${String(append.expectedVersion)}`,
    {
      streamId: append.streamId,
      expectedVersion: append.expectedVersion,
      actualVersion,
    },
  );
}

const sqlState = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';

function toAppError(error: unknown, append: PendingAppend | undefined): unknown {
  const code = sqlState(error);
  const constraint =
    typeof error === 'object' && error !== null && 'constraint' in error ? error.constraint : undefined;
  if (code === '23505' && constraint === 'es_events_event_id_uk') {
    return new AppError(
      'BAD_USER_INPUT',
      `An event id of this append is already used by another event (stream ${append?.streamId})`,
      {
        streamId: append?.streamId,
      },
    );
  }
  if (BAD_INPUT_CODES.has(code)) {
    return new AppError(
      'BAD_USER_INPUT',
      `PostgreSQL refused the events of stream ${append?.streamId}: ${(error as Error).message}`,
      { streamId: append?.streamId },
    );
  }
  return error;
}

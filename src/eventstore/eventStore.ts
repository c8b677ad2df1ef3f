/**
 * The event-store port. Command handlers append and read streams through it; projections read
 * `$all` through it. Adapters: `postgres/` (default) and `eventstoredb/`. Adapters map their own
 * errors to ours at their boundary (a version conflict is always `AppError('VERSION_CONFLICT')`).
 */

/**
 * A place in the global (`$all`) order. Totally ordered by (commit, prepare).
 * PostgreSQL: commit = the appending transaction's xid8, prepare = the global sequence number.
 * EventStoreDB: the log's commit and prepare positions.
 */
export interface GlobalPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/**
 * What the writer expects the stream to be: `'any'`; `'no_stream'`; `'stream_exists'`; or an exact
 * version = the number of events the stream holds (0 = no stream).
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

export type JsonObject = Readonly<Record<string, unknown>>;

export interface NewEvent {
  /** A uuid. Appending an event whose id is already in the stream writes nothing (idempotent retry). */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata?: JsonObject;
}

export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly streamId: string;
  /** 1-based: the stream's first event has version 1; after it the stream's version is 1. */
  readonly streamVersion: number;
  readonly position: GlobalPosition;
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** The stream's version after the append (= number of events in it). */
  readonly nextVersion: number;
  /** Position of the last event written (or, for a repeated append, of the last event first written). */
  readonly position: GlobalPosition;
  /** True when these event ids were already stored: nothing was written, the first answer is repeated. */
  readonly duplicate: boolean;
}

export interface ReadStreamResult {
  /** The stream's version (0 when it does not exist). */
  readonly version: number;
  readonly events: readonly RecordedEvent[];
}

export interface SubscribeOptions {
  /** Start after this position; omitted: from the very beginning. */
  readonly after?: GlobalPosition;
  /** Only streams whose id starts with one of these prefixes (e.g. `order-`). Omitted: all. */
  readonly streamPrefixes?: readonly string[];
  readonly maxBatchSize?: number;
  readonly signal?: AbortSignal;
}

export interface EventStore {
  readonly kind: 'postgres' | 'eventstoredb';
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: { readonly expectedVersion?: ExpectedVersion },
  ): Promise<AppendResult>;
  /** `fromVersion`: the version of the first event returned (inclusive, default 1); `version` is always the whole stream's. */
  readStream(
    streamId: string,
    options?: { readonly fromVersion?: number; readonly maxCount?: number },
  ): Promise<ReadStreamResult>;
  /**
   * Events in commit order strictly after `after`. Never returns an event while an earlier one
   * (in that order) may still commit, so a reader that checkpoints what it got never skips.
   */
  readAll(options: {
    readonly after?: GlobalPosition;
    readonly maxCount: number;
    readonly streamPrefixes?: readonly string[];
  }): Promise<readonly RecordedEvent[]>;
  /** Catch up from `after`, then follow live; yields non-empty batches in commit order, ends when aborted. */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<readonly RecordedEvent[]>;
  /** The position of the newest committed, readable event, or undefined when the store is empty. */
  headPosition(): Promise<GlobalPosition | undefined>;
  close(): Promise<void>;
}

export const comparePositions = (a: GlobalPosition, b: GlobalPosition): number =>
  a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0;

/** Text form for APIs and checkpoints: `<commit>-<prepare>`, both decimal. */
export const formatPosition = (p: GlobalPosition): string => `${p.commit}-${p.prepare}`;

export function parsePosition(text: string): GlobalPosition | undefined {
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

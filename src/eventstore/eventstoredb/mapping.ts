/**
 * Pure translations between our event-store port and EventStoreDB's terms. No client import here
 * (the adapter file is the only one that touches `@eventstore/db-client`), so these run in unit
 * tests without a server. The literal types below are structurally the client's own
 * (`'any' | 'no_stream' | 'stream_exists' | bigint`, `{ commit: bigint, prepare: bigint }`).
 */
import { AppError } from '../../domain/errors.ts';
import type { ExpectedVersion, GlobalPosition, JsonObject, RecordedEvent } from '../eventStore.ts';

/** The client's `AppendExpectedRevision`: a 0-based revision of the stream's last event, or a state. */
export type EsdbExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;
/** The client's `CurrentRevision`: the 0-based revision of the last event, or no stream at all. */
export type EsdbCurrentRevision = 'no_stream' | bigint;

/**
 * Our versions count events (the stream's version = how many events it holds, the first event is
 * version 1); ESDB revisions number them from 0. So "expect version n" = "expect revision n-1",
 * and version 0 is ESDB's "no stream".
 */
export function toExpectedRevision(expected: ExpectedVersion): EsdbExpectedRevision {
  if (typeof expected === 'number') {
    assertVersion(expected, 'expectedVersion');
    return expected === 0 ? 'no_stream' : BigInt(expected - 1);
  }
  switch (expected) {
    case 'any':
    case 'no_stream':
    case 'stream_exists':
      return expected;
    default: {
      // Reachable from untyped callers (JSON input): refuse rather than let ESDB guess.
      const unknown: unknown = expected;
      throw new AppError('BAD_USER_INPUT', `expectedVersion must be a number, 'any', 'no_stream' or 'stream_exists'`, {
        fields: [{ path: 'expectedVersion', message: `unknown value ${JSON.stringify(unknown)}` }],
      });
    }
  }
}

/** The stream version after an event of this 0-based revision (= that event's 1-based version). */
export const versionOfRevision = (revision: bigint): number => Number(revision) + 1;

/**
 * A current revision as reported by ESDB (in a conflict, or `nextExpectedRevision`) as our stream
 * version. `-1` is what the client reports for a missing stream when it does not throw.
 */
export const versionOfCurrentRevision = (current: EsdbCurrentRevision): number =>
  current === 'no_stream' || current < 0n ? 0 : versionOfRevision(current);

/** The 0-based revision to start a read at for a 1-based `fromVersion` (inclusive). */
export function revisionOfVersion(version: number): bigint {
  assertVersion(version, 'fromVersion');
  return version <= 1 ? 0n : BigInt(version - 1);
}

/** The one error a version mismatch becomes, whichever path detected it. */
export function versionConflict(streamId: string, expected: ExpectedVersion, actual: number, why?: string): AppError {
  const message = why ?? `stream ${streamId} is at version ${actual}, not at the expected ${String(expected)}`;
  // Same detail keys as the PostgreSQL adapter, so callers see one shape whichever store runs.
  return new AppError('VERSION_CONFLICT', `Version conflict: ${message}`, {
    streamId,
    expectedVersion: expected,
    actualVersion: actual,
  });
}

/** Copies the client's position so no client object leaks past the adapter. */
export const toGlobalPosition = (position: { readonly commit: bigint; readonly prepare: bigint }): GlobalPosition => ({
  commit: position.commit,
  prepare: position.prepare,
});

/**
 * Which streams a reader of `$all` sees. With prefixes: streams starting with one of them. Without:
 * every stream but ESDB's own (`$`-streams: `$stats-…`, `$$<stream>` metadata, `$settings`, …),
 * which no projection of ours understands.
 */
export function matchesStreams(streamId: string, prefixes: readonly string[] | undefined): boolean {
  if (prefixes === undefined) return !streamId.startsWith('$');
  return prefixes.some((prefix) => streamId.startsWith(prefix));
}

/** Prefixes, when given, must name something: an empty list or an empty prefix is a caller's mistake. */
export function assertPrefixes(prefixes: readonly string[] | undefined): void {
  if (prefixes === undefined) return;
  if (prefixes.length === 0 || prefixes.some((prefix) => typeof prefix !== 'string' || prefix.length === 0)) {
    throw new AppError('BAD_USER_INPUT', 'streamPrefixes must be omitted or hold non-empty prefixes', {
      fields: [{ path: 'streamPrefixes', message: 'must be omitted or a non-empty list of non-empty strings' }],
    });
  }
}

/** The shape of a stored ESDB event that we need (the client's `RecordedEvent`, structurally). */
export interface EsdbRecord {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly created: Date;
  readonly data: unknown;
  readonly metadata: unknown;
  /** Missing only on servers older than 22.6 for stream reads. */
  readonly position?: { readonly commit: bigint; readonly prepare: bigint } | undefined;
}

export function toRecordedEvent(record: EsdbRecord): RecordedEvent {
  if (!record.position) {
    throw new Error(
      `EventStoreDB returned event ${record.id} of ${record.streamId} without its log position; KurrentDB/EventStoreDB 22.6 or later is required`,
    );
  }
  return {
    id: record.id,
    type: record.type,
    data: toJsonObject(record.data),
    metadata: record.metadata === undefined ? {} : toJsonObject(record.metadata),
    streamId: record.streamId,
    streamVersion: versionOfRevision(record.revision),
    position: toGlobalPosition(record.position),
    recordedAt: record.created,
  };
}

/**
 * We only write JSON objects. Events written by other tools can carry JSON arrays, strings or bytes:
 * they are wrapped (`{ value }`, bytes as base64) rather than thrown on, because a reader of `$all`
 * must not stall on one foreign event.
 */
export function toJsonObject(value: unknown): JsonObject {
  if (value === undefined || value === null) return {};
  if (value instanceof Uint8Array) return { value: Buffer.from(value).toString('base64') };
  if (typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
  return { value };
}

/**
 * The client (6.2.1) understands only `esdb://` and `esdb+discover://`; KurrentDB's own schemes
 * (`kurrentdb://`, `kdb://`, accepted by our config) mean the same thing.
 */
export function toEsdbConnectionString(connectionString: string): string {
  return connectionString.replace(
    /^(?:kurrentdb|kdb)(\+discover)?:\/\//i,
    (_match, discover: string | undefined) => `esdb${discover ?? ''}://`,
  );
}

/** Counts and batch sizes: whole numbers from 1. */
export function assertCount(count: number, field: string): void {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new AppError('BAD_USER_INPUT', `${field} must be a whole number of at least 1`, {
      fields: [{ path: field, message: `must be a whole number of at least 1, got ${String(count)}` }],
    });
  }
}

function assertVersion(version: number, field: string): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new AppError('BAD_USER_INPUT', `${field} must be a whole number of at least 0`, {
      fields: [{ path: field, message: `must be a whole number of at least 0, got ${String(version)}` }],
    });
  }
}

/**
 * The EventStoreDB / KurrentDB adapter of the event-store port: the one file that imports
 * `@eventstore/db-client` (its successor `@kurrent/kurrentdb-client` has the same API, so a switch
 * touches this file only). Client errors and types stop here: a `WrongExpectedVersionError` leaves
 * as `AppError('VERSION_CONFLICT')`, positions as our `GlobalPosition`, revisions as our versions.
 * Limits and reasons: README.md beside this file.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type ReadPosition,
  type ReadStreamOptions,
} from '@eventstore/db-client';
import { createKeyedQueue } from '../../shared/keyedQueue.ts';
import {
  comparePositions,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
  type SubscribeOptions,
} from '../eventStore.ts';
import { appendOnce, type StreamAccess } from './appendFlow.ts';
import { readBatches } from './batches.ts';
import {
  assertCount,
  assertPrefixes,
  matchesStreams,
  revisionOfVersion,
  toEsdbConnectionString,
  toGlobalPosition,
  toRecordedEvent,
  versionOfCurrentRevision,
} from './mapping.ts';

export interface EventStoreDbOptions {
  /** `esdb://host:2113?tls=false`; `kurrentdb://` and `kdb://` work too. */
  readonly connectionString: string;
}

// `$all` is read in pages that are always read to their end: a gRPC read left half-consumed would
// stay open on the server.
const PAGE = 256;
const MAX_PAGE = 4096;
// The newest events are nearly always ours: a small page usually answers `headPosition` at once.
const HEAD_PAGE = 16;
const DEFAULT_BATCH = 500;

/**
 * Connects lazily (the first call opens the channel). Appends to one stream from this process run
 * one at a time; `close()` ends the subscriptions and the channel.
 */
export function createEventStoreDbEventStore(options: EventStoreDbOptions): EventStore {
  const client = EventStoreDBClient.connectionString(toEsdbConnectionString(options.connectionString));
  const closing = new AbortController();
  // Appends per stream one at a time, so two copies of one append from this process never race
  // past each other's duplicate check (ESDB would then accept the second as its own idempotent
  // write, and we could not tell it was a repeat).
  const appendQueue = createKeyedQueue();
  const open = (): void => {
    if (closing.signal.aborted) throw new Error('The EventStoreDB event store is closed');
  };

  /** A stream's events as ours; a stream that does not exist (or was deleted) reads as empty. */
  async function readRecords(streamId: string, read: ReadStreamOptions): Promise<RecordedEvent[]> {
    const records: RecordedEvent[] = [];
    try {
      for await (const resolved of client.readStream(streamId, read)) {
        if (resolved.event) records.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return records;
  }

  const access: StreamAccess = {
    readForwards: (streamId, fromRevision, maxCount) =>
      readRecords(streamId, { fromRevision, direction: FORWARDS, ...(maxCount === undefined ? {} : { maxCount }) }),
    readBackwards: (streamId, fromRevision, maxCount) =>
      readRecords(streamId, {
        fromRevision: fromRevision === 'end' ? END : fromRevision,
        direction: BACKWARDS,
        maxCount,
      }),
    async write(streamId, events, expectedRevision) {
      const data = events.map((event) =>
        jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata }),
      );
      try {
        const result = await client.appendToStream(streamId, data, { expectedRevision });
        // Only with `throwOnAppendFailure=false` in the connection string does a conflict come back
        // here, and 6.2.1's batch append then reports the revision wrongly (`BigInt(hasRevision())`):
        // ask the stream itself.
        if (!result.success)
          return {
            conflictAt:
              (await readRecords(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1 }))[0]
                ?.streamVersion ?? 0,
          };
        return { written: result.nextExpectedRevision };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError)
          return { conflictAt: versionOfCurrentRevision(error.actualVersion) };
        throw error;
      }
    },
  };

  /**
   * `$all` in pages, each read to its end; `visit` returns true to stop after that page. Pages
   * double up to MAX_PAGE, so a scan past many events of other streams takes few round trips.
   */
  async function scanAll(
    from: ReadPosition,
    direction: typeof FORWARDS | typeof BACKWARDS,
    firstPage: number,
    visit: (event: AllStreamResolvedEvent) => boolean,
  ): Promise<void> {
    let position = from;
    for (let pageSize = firstPage; ; pageSize = Math.min(pageSize * 2, MAX_PAGE)) {
      let seen = 0;
      let stop = false;
      let last: GlobalPosition | undefined;
      for await (const resolved of client.readAll({ fromPosition: position, direction, maxCount: pageSize })) {
        seen += 1;
        if (resolved.event) last = resolved.event.position;
        if (!stop) stop = visit(resolved);
      }
      // A read from a position may include the event at it (each page repeating one): visitors skip it.
      if (stop || seen < pageSize || !last) return;
      position = last;
    }
  }

  async function* subscribe(options: SubscribeOptions): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    const { after, streamPrefixes, maxBatchSize = DEFAULT_BATCH } = options;
    const stop = options.signal ? AbortSignal.any([options.signal, closing.signal]) : closing.signal;
    if (stop.aborted) return;
    // Filtered on the server; without prefixes only ESDB's own `$`-streams are left out.
    const filter = streamPrefixes
      ? streamNameFilter({ prefixes: [...streamPrefixes] })
      : streamNameFilter({ regex: '^[^$]' });
    const subscription = client.subscribeToAll({ fromPosition: after ?? START, filter });
    try {
      for await (const batch of readBatches<AllStreamResolvedEvent>(subscription, { maxBatchSize, signal: stop })) {
        // Each event keeps its commit AND prepare position, which is what a subscriber checkpoints:
        // resuming from the commit part alone could miss an event (filtered-$all bug, KurrentDB 25.0.1).
        const events = batch.flatMap((resolved) =>
          resolved.event &&
          isAfter(resolved.event.position, after) &&
          matchesStreams(resolved.event.streamId, streamPrefixes)
            ? [toRecordedEvent(resolved.event)]
            : [],
        );
        if (events.length > 0) yield events;
      }
    } finally {
      // Errors after we let go (the server noticing the cancel, a channel closed by `close()`)
      // have no one left to go to; the consumer already has its answer or the original error.
      subscription.on('error', () => undefined);
      await subscription.unsubscribe().catch(() => undefined);
      subscription.destroy();
    }
  }

  return {
    kind: 'eventstoredb',

    async appendToStream(streamId, events, appendOptions) {
      open();
      return appendQueue.run(streamId, () =>
        appendOnce(access, streamId, events, appendOptions?.expectedVersion ?? 'any'),
      );
    },

    async readStream(streamId, readOptions = {}) {
      open();
      const { fromVersion = 1, maxCount } = readOptions;
      if (maxCount !== undefined) assertCount(maxCount, 'maxCount');
      const events = await access.readForwards(streamId, revisionOfVersion(fromVersion), maxCount);
      const readToEnd = maxCount === undefined || events.length < maxCount;
      const last = events.at(-1);
      if (readToEnd && last) return { version: last.streamVersion, events };
      if (readToEnd && fromVersion <= 1) return { version: 0, events };
      const newest = (await access.readBackwards(streamId, 'end', 1))[0];
      return { version: newest?.streamVersion ?? 0, events };
    },

    async readAll({ after, maxCount, streamPrefixes }) {
      open();
      assertCount(maxCount, 'maxCount');
      assertPrefixes(streamPrefixes);
      // The 6.2 client cannot filter plain reads on the server (only subscriptions): we filter here.
      const events: RecordedEvent[] = [];
      let cursor = after;
      await scanAll(after ?? START, FORWARDS, Math.min(Math.max(maxCount, PAGE), MAX_PAGE), (resolved) => {
        const record = resolved.event;
        if (!record || !isAfter(record.position, cursor)) return false;
        cursor = record.position;
        if (matchesStreams(record.streamId, streamPrefixes)) events.push(toRecordedEvent(record));
        return events.length >= maxCount;
      });
      return events;
    },

    subscribeToAll(subscribeOptions = {}) {
      open();
      if (subscribeOptions.maxBatchSize !== undefined) assertCount(subscribeOptions.maxBatchSize, 'maxBatchSize');
      assertPrefixes(subscribeOptions.streamPrefixes);
      return subscribe(subscribeOptions);
    },

    async headPosition() {
      open();
      let head: GlobalPosition | undefined;
      await scanAll(END, BACKWARDS, HEAD_PAGE, (resolved) => {
        if (!head && resolved.event && matchesStreams(resolved.event.streamId, undefined))
          head = toGlobalPosition(resolved.event.position);
        return head !== undefined;
      });
      return head;
    },

    async close() {
      if (closing.signal.aborted) return;
      closing.abort();
      await client.dispose();
    },
  };
}

const isAfter = (position: GlobalPosition, after: GlobalPosition | undefined): boolean =>
  !after || comparePositions(position, after) > 0;

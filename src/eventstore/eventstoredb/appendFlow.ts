/**
 * How an append runs against EventStoreDB, over three primitives the adapter implements with the
 * client. Kept apart from the client so the dedupe and conflict logic is testable without a server.
 */
import type { AppendResult, ExpectedVersion, NewEvent, RecordedEvent } from '../eventStore.ts';
import { assertAppendable, earlierAppend } from './appendRules.ts';
import { toExpectedRevision, versionConflict, versionOfRevision, type EsdbExpectedRevision } from './mapping.ts';

export interface StreamAccess {
  /** Events from a 0-based revision on, to the end or at most `maxCount`; a missing stream reads as []. */
  readForwards(streamId: string, fromRevision: bigint, maxCount?: number): Promise<RecordedEvent[]>;
  /** Newest first, starting at a 0-based revision or at the end; a missing stream reads as []. */
  readBackwards(streamId: string, fromRevision: bigint | 'end', maxCount: number): Promise<RecordedEvent[]>;
  /** Appends; answers the revision of the last event written, or the stream's version on a conflict. */
  write(
    streamId: string,
    events: readonly NewEvent[],
    expected: EsdbExpectedRevision,
  ): Promise<{ readonly written: bigint } | { readonly conflictAt: number }>;
}

const SCAN_PAGE = 256;

/**
 * Was this append already made? ESDB itself only recognises a repeat with an exact expected
 * revision and, with `any`, only while the ids are in its cache: so we look at the stream. With an
 * exact expectation, where the first event would have landed; otherwise back from the end (a cost
 * that grows with the stream: our streams are one order's life, tens of events).
 */
export async function findEarlierAppend(
  access: StreamAccess,
  streamId: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
): Promise<AppendResult | undefined> {
  if (typeof expected === 'number' || expected === 'no_stream') {
    const landing = typeof expected === 'number' ? BigInt(expected) : 0n;
    return earlierAppend(streamId, expected, events, await access.readForwards(streamId, landing));
  }
  const firstId = events[0]?.id.toLowerCase();
  const newestFirst: RecordedEvent[] = [];
  let from: bigint | 'end' = 'end';
  for (;;) {
    const page = await access.readBackwards(streamId, from, SCAN_PAGE);
    for (const record of page) {
      newestFirst.push(record);
      if (record.id.toLowerCase() === firstId) return earlierAppend(streamId, expected, events, newestFirst.reverse());
    }
    const oldest = page.at(-1)?.streamVersion ?? 0;
    if (page.length < SCAN_PAGE || oldest <= 1) return undefined;
    from = BigInt(oldest - 2);
  }
}

/**
 * Validates, answers a repeat with the first answer, appends, and maps a conflict to
 * `VERSION_CONFLICT` unless a twin of this very append won the race (then it is a repeat too).
 * The caller must not run two appends to one stream at once (the adapter queues them).
 */
export async function appendOnce(
  access: StreamAccess,
  streamId: string,
  events: readonly NewEvent[],
  expected: ExpectedVersion,
): Promise<AppendResult> {
  assertAppendable(streamId, events);
  const expectedRevision = toExpectedRevision(expected);
  const earlier = await findEarlierAppend(access, streamId, expected, events);
  if (earlier) return earlier;
  const outcome = await access.write(streamId, events, expectedRevision);
  if ('conflictAt' in outcome) {
    const twin = await findEarlierAppend(access, streamId, expected, events);
    if (twin) return twin;
    throw versionConflict(streamId, expected, outcome.conflictAt);
  }
  // ESDB's append answer carries the write's commit position twice (the server says as much), not
  // the last event's (commit, prepare): read that event back, so the position we return is the
  // one readers and subscriptions will report for it.
  const last = (await access.readForwards(streamId, outcome.written, 1))[0];
  if (!last)
    throw new Error(
      `EventStoreDB accepted an append to ${streamId} but its last event (revision ${outcome.written}) cannot be read`,
    );
  return { nextVersion: versionOfRevision(outcome.written), position: last.position, duplicate: false };
}

/**
 * What the adapter checks before it appends, and how it recognises a repeated append. Pure: the
 * adapter reads the stream and hands the events over.
 */
import { AppError, type FieldProblem } from '../../domain/errors.ts';
import { isUuid } from '../../domain/ids.ts';
import type { AppendResult, ExpectedVersion, NewEvent, RecordedEvent } from '../eventStore.ts';
import { versionConflict } from './mapping.ts';

// ESDB stores event ids as uuids and rejects anything else, mid-append; we refuse it up front.

/** Throws `BAD_USER_INPUT` listing every problem; nothing is written then. */
export function assertAppendable(streamId: string, events: readonly NewEvent[]): void {
  const problems: FieldProblem[] = [];
  if (streamId.length === 0) problems.push({ path: 'streamId', message: 'must not be empty' });
  else if (streamId.startsWith('$'))
    problems.push({ path: 'streamId', message: 'must not start with $ (system streams)' });
  if (events.length === 0) problems.push({ path: 'events', message: 'must hold at least one event' });
  const seen = new Set<string>();
  events.forEach((event, index) => {
    if (!isUuid(event.id)) problems.push({ path: `events.${index}.id`, message: 'must be a uuid' });
    else if (seen.has(event.id.toLowerCase()))
      problems.push({ path: `events.${index}.id`, message: 'repeats an earlier id of this append' });
    seen.add(event.id.toLowerCase());
    if (event.type.length === 0 || event.type.startsWith('$')) {
      problems.push({ path: `events.${index}.type`, message: 'must be a non-empty name not starting with $' });
    }
    if (!isPlainObject(event.data)) problems.push({ path: `events.${index}.data`, message: 'must be a JSON object' });
    if (event.metadata !== undefined && !isPlainObject(event.metadata)) {
      problems.push({ path: `events.${index}.metadata`, message: 'must be a JSON object' });
    }
  });
  if (problems.length > 0) {
    throw new AppError(
      'BAD_USER_INPUT',
      `Cannot append to ${streamId || '(empty stream id)'}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      {
        fields: problems,
      },
    );
  }
}

/**
 * Decides whether this append already happened, from the stored events that start where the first
 * new event would have landed (or where its id was found) and run to the stream's end.
 * - the first id is not there: `undefined` (a new append);
 * - every id is there, in order: the first append's answer, as a duplicate;
 * - the first id is there but the rest differ: a version conflict, because the caller's view of the
 *   stream is not what was written (silently dropping the differing events would lose them).
 */
export function earlierAppend(
  streamId: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
  stored: readonly RecordedEvent[],
): AppendResult | undefined {
  const first = events[0];
  if (!first || !sameId(stored[0]?.id, first.id)) return undefined;
  const last = stored[events.length - 1];
  const allMatch = last !== undefined && events.every((event, index) => sameId(stored[index]?.id, event.id));
  if (!allMatch || !last) {
    throw versionConflict(
      streamId,
      expected,
      stored.at(-1)?.streamVersion ?? 0,
      `event ${first.id} is already in ${streamId} but followed by other events than this append`,
    );
  }
  return { nextVersion: last.streamVersion, position: last.position, duplicate: true };
}

const sameId = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

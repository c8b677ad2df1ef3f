import { isUuid } from '../../domain/ids.ts';
import { AppError, type FieldProblem } from '../../domain/errors.ts';
import type { ExpectedVersion, NewEvent } from '../eventStore.ts';

export const MAX_EVENTS_PER_APPEND = 1000;
const MAX_STREAM_ID_LENGTH = 500;
const MAX_TYPE_LENGTH = 200;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks an append before it reaches the database, listing every problem at once, so bad input is
 * `BAD_USER_INPUT` and never a database error. Adapter-neutral: any adapter may call it.
 */
export function validateAppend(streamId: unknown, events: unknown, expectedVersion: unknown): void {
  const problems: FieldProblem[] = [];
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_STREAM_ID_LENGTH) {
    problems.push({ path: 'streamId', message: `must be a string of 1 to ${MAX_STREAM_ID_LENGTH} characters` });
  } else if (streamId.startsWith('$')) {
    problems.push({ path: 'streamId', message: 'must not start with $ (reserved for system streams)' });
  }
  if (!isExpectedVersion(expectedVersion)) {
    problems.push({
      path: 'expectedVersion',
      message: "must be 'any', 'no_stream', 'stream_exists' or a whole number >= 0",
    });
  }
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_APPEND) {
    problems.push({ path: 'events', message: `must be a list of 1 to ${MAX_EVENTS_PER_APPEND} events` });
  } else {
    const seen = new Set<string>();
    events.forEach((event: unknown, index) => problems.push(...eventProblems(event, `events[${index}]`, seen)));
  }
  if (problems.length > 0)
    throw new AppError(
      'BAD_USER_INPUT',
      `Invalid append: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      { fields: problems },
    );
}

function eventProblems(event: unknown, path: string, seen: Set<string>): FieldProblem[] {
  if (!isPlainObject(event)) return [{ path, message: 'must be an object' }];
  const problems: FieldProblem[] = [];
  const { id, type, data, metadata } = event as Partial<NewEvent>;
  if (typeof id !== 'string' || !isUuid(id)) problems.push({ path: `${path}.id`, message: 'must be a uuid' });
  else if (seen.has(id.toLowerCase())) problems.push({ path: `${path}.id`, message: 'appears twice in one append' });
  else seen.add(id.toLowerCase());
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    problems.push({ path: `${path}.type`, message: `must be a string of 1 to ${MAX_TYPE_LENGTH} characters` });
  }
  if (!isPlainObject(data)) problems.push({ path: `${path}.data`, message: 'must be a JSON object' });
  if (metadata !== undefined && !isPlainObject(metadata))
    problems.push({ path: `${path}.metadata`, message: 'must be a JSON object when given' });
  return problems;
}

const isExpectedVersion = (value: unknown): value is ExpectedVersion =>
  value === 'any' ||
  value === 'no_stream' ||
  value === 'stream_exists' ||
  (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);

/** The SQL function's encoding of an expected version: >= 0 exact; -1 any; -2 no stream; -3 stream exists. */
export function encodeExpectedVersion(expected: ExpectedVersion): number {
  switch (expected) {
    case 'any':
      return -1;
    case 'no_stream':
      return -2;
    case 'stream_exists':
      return -3;
    default:
      return expected;
  }
}

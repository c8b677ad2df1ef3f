import { describe, expect, it, vi } from 'vitest';
import { appendOnce, type StreamAccess } from '../../../src/eventstore/eventstoredb/appendFlow.ts';
import type { EsdbExpectedRevision } from '../../../src/eventstore/eventstoredb/mapping.ts';
import type { NewEvent, RecordedEvent } from '../../../src/eventstore/eventStore.ts';
import { newEvents } from '../support.ts';

/**
 * The append flow over an in-memory stand-in for the three stream primitives (read forwards, read
 * backwards, write with an expected revision), with ESDB's revision rules. It checks our dedupe and
 * conflict logic only; the real server is exercised by eventstoredb.int.spec.ts.
 */
function memoryAccess() {
  const streams = new Map<string, RecordedEvent[]>();
  let log = 0n;
  const stream = (id: string): RecordedEvent[] => streams.get(id) ?? [];
  const write = vi.fn((id: string, events: readonly NewEvent[], expected: EsdbExpectedRevision) => {
    const current = stream(id);
    const last = BigInt(current.length) - 1n;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream'
        ? current.length === 0
        : expected === 'stream_exists'
          ? current.length > 0
          : expected === last);
    if (!ok) return Promise.resolve({ conflictAt: current.length });
    const written = events.map((e, i): RecordedEvent => {
      log += 10n;
      return {
        ...e,
        metadata: e.metadata ?? {},
        streamId: id,
        streamVersion: current.length + i + 1,
        position: { commit: log, prepare: log - 1n },
        recordedAt: new Date(),
      };
    });
    streams.set(id, [...current, ...written]);
    return Promise.resolve({ written: BigInt(current.length + events.length - 1) });
  });
  const access: StreamAccess = {
    readForwards: (id, from, maxCount) =>
      Promise.resolve(stream(id).slice(Number(from), maxCount === undefined ? undefined : Number(from) + maxCount)),
    readBackwards: (id, from, maxCount) => {
      const events = stream(id);
      const start = from === 'end' ? events.length - 1 : Math.min(Number(from), events.length - 1);
      return Promise.resolve(events.slice(Math.max(0, start - maxCount + 1), start + 1).reverse());
    },
    write,
  };
  return { access, stream, write };
}

describe('EventStoreDB append flow', () => {
  it('answers with the stream version after the append and the position of its last event', async () => {
    const { access, stream } = memoryAccess();
    const result = await appendOnce(access, 'order-1', newEvents(3), 'no_stream');
    expect(result).toEqual({ nextVersion: 3, position: stream('order-1')[2]!.position, duplicate: false });
  });

  it('answers a repeat with the first answer, marked duplicate, without writing', async () => {
    const { access, stream, write } = memoryAccess();
    const events = newEvents(2);
    const first = await appendOnce(access, 'order-1', events, 'no_stream');
    expect(await appendOnce(access, 'order-1', events, 'no_stream')).toEqual({ ...first, duplicate: true });
    expect(write).toHaveBeenCalledTimes(1);
    expect(stream('order-1')).toHaveLength(2);
  });

  it('recognises a late repeat after the stream moved on, whatever it expects', async () => {
    const { access, write } = memoryAccess();
    await appendOnce(access, 'order-1', newEvents(1), 'any');
    const events = newEvents(2);
    const first = await appendOnce(access, 'order-1', events, 1);
    await appendOnce(access, 'order-1', newEvents(3), 'any');
    for (const expected of [1, 'any', 'stream_exists'] as const) {
      expect(await appendOnce(access, 'order-1', events, expected)).toEqual({ ...first, duplicate: true });
    }
    expect(write).toHaveBeenCalledTimes(3);
  });

  it('finds a repeated append deep in a long stream, across read pages', async () => {
    const { access } = memoryAccess();
    const events = newEvents(2);
    const first = await appendOnce(access, 'order-1', events, 'any');
    for (let i = 0; i < 6; i += 1) await appendOnce(access, 'order-1', newEvents(100), 'any');
    expect(await appendOnce(access, 'order-1', events, 'any')).toEqual({ ...first, duplicate: true });
  });

  it('refuses a stale expected version with VERSION_CONFLICT naming the actual version, and writes nothing', async () => {
    const { access, stream } = memoryAccess();
    await appendOnce(access, 'order-1', newEvents(2), 'any');
    const attempt = appendOnce(access, 'order-1', newEvents(1), 1);
    await expect(attempt).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { streamId: 'order-1', expectedVersion: 1, actualVersion: 2 },
    });
    expect(stream('order-1')).toHaveLength(2);
  });

  it('treats a stored first event followed by other events as a conflict, not as a repeat', async () => {
    const { access } = memoryAccess();
    const events = newEvents(2);
    await appendOnce(access, 'order-1', events, 'no_stream');
    const changed = [events[0]!, ...newEvents(1)];
    await expect(appendOnce(access, 'order-1', changed, 'no_stream')).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    });
    await expect(appendOnce(access, 'order-1', changed, 'any')).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
  });

  it('answers as a duplicate when a twin of the same append won the race to the server', async () => {
    const { access, write } = memoryAccess();
    const events = newEvents(2);
    let twin: Awaited<ReturnType<typeof appendOnce>> | undefined;
    // The twin lands between our duplicate check and our write: we then meet a conflict.
    const racing: StreamAccess = {
      ...access,
      write: async (id, batch, expected) => {
        twin = await appendOnce(access, id, batch, 'no_stream');
        return write(id, batch, expected);
      },
    };
    const result = await appendOnce(racing, 'order-1', events, 'no_stream');
    expect(result).toEqual({ ...twin!, duplicate: true });
  });

  it('refuses bad input before touching the stream', async () => {
    const { access, write } = memoryAccess();
    await expect(appendOnce(access, 'order-1', [], 'any')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(appendOnce(access, 'order-1', newEvents(1), -1)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(write).not.toHaveBeenCalled();
  });
});

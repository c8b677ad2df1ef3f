import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { assertAppendable } from '../../../src/eventstore/eventstoredb/appendRules.ts';
import {
  assertPrefixes,
  matchesStreams,
  revisionOfVersion,
  toEsdbConnectionString,
  toExpectedRevision,
  toJsonObject,
  toRecordedEvent,
  versionConflict,
  versionOfCurrentRevision,
  versionOfRevision,
  type EsdbRecord,
} from '../../../src/eventstore/eventstoredb/mapping.ts';
import type { ExpectedVersion } from '../../../src/eventstore/eventStore.ts';

describe('EventStoreDB mapping: versions and revisions', () => {
  it('maps an expected version (events in the stream) to the revision of the last event (0-based)', () => {
    expect(toExpectedRevision(0)).toBe('no_stream');
    expect(toExpectedRevision(1)).toBe(0n);
    expect(toExpectedRevision(5)).toBe(4n);
    expect(toExpectedRevision(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER) - 1n);
  });

  it('passes the named expectations through unchanged', () => {
    expect(toExpectedRevision('any')).toBe('any');
    expect(toExpectedRevision('no_stream')).toBe('no_stream');
    expect(toExpectedRevision('stream_exists')).toBe('stream_exists');
  });

  it('refuses an expected version that is negative, fractional, not a number or an unknown word', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 'whatever', 'ANY']) {
      expect(() => toExpectedRevision(bad as ExpectedVersion)).toThrow(
        expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      );
    }
  });

  it('turns revisions back into 1-based versions, a missing stream being version 0', () => {
    expect(versionOfRevision(0n)).toBe(1);
    expect(versionOfRevision(41n)).toBe(42);
    expect(versionOfCurrentRevision('no_stream')).toBe(0);
    expect(versionOfCurrentRevision(-1n)).toBe(0);
    expect(versionOfCurrentRevision(4n)).toBe(5);
  });

  it('starts a read at revision fromVersion - 1, with 0 and 1 both meaning the first event', () => {
    expect(revisionOfVersion(0)).toBe(0n);
    expect(revisionOfVersion(1)).toBe(0n);
    expect(revisionOfVersion(3)).toBe(2n);
    expect(() => revisionOfVersion(-2)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('EventStoreDB mapping: errors', () => {
  it('reports a version conflict as VERSION_CONFLICT (412) with the stream, the expectation and the actual version', () => {
    const error = versionConflict('order-1', 2, 3);
    expect(error.code).toBe('VERSION_CONFLICT');
    expect(error.httpStatus).toBe(412);
    expect(error.details).toEqual({ streamId: 'order-1', expectedVersion: 2, actualVersion: 3 });
    expect(error.message).toContain('order-1');
  });

  it('lists every problem of a bad append at once, as BAD_USER_INPUT', () => {
    const id = randomUUID();
    const attempt = (): void =>
      assertAppendable('$system', [
        { id, type: 'A', data: {} },
        { id, type: '', data: [] as unknown as Record<string, unknown> },
        { id: 'nope', type: '$B', data: {}, metadata: 'x' as unknown as Record<string, unknown> },
      ]);
    expect(attempt).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    try {
      attempt();
    } catch (error) {
      const fields = (error as { details: { fields: { path: string }[] } }).details.fields.map((f) => f.path);
      expect(fields).toEqual([
        'streamId',
        'events.1.id',
        'events.1.type',
        'events.1.data',
        'events.2.id',
        'events.2.type',
        'events.2.metadata',
      ]);
    }
    expect(() => assertAppendable('order-1', [])).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() =>
      assertAppendable('order-1', [{ id: randomUUID().toUpperCase(), type: 'A', data: { a: 1 }, metadata: { b: 2 } }]),
    ).not.toThrow();
  });

  it('accepts stream prefixes only as a non-empty list of non-empty strings, or none', () => {
    expect(() => assertPrefixes(undefined)).not.toThrow();
    expect(() => assertPrefixes(['order-'])).not.toThrow();
    expect(() => assertPrefixes([])).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => assertPrefixes(['order-', ''])).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('EventStoreDB mapping: events and positions', () => {
  const record = (overrides: Partial<EsdbRecord> = {}): EsdbRecord => ({
    streamId: 'order-1',
    id: randomUUID(),
    type: 'OrderCreated',
    revision: 2n,
    created: new Date('2025-01-02T03:04:05.678Z'),
    data: { a: 1 },
    metadata: { actor: 'x' },
    position: { commit: 2n ** 60n + 7n, prepare: 2n ** 60n + 3n },
    ...overrides,
  });

  it('keeps both parts of the log position as bigints, beyond what a number can hold', () => {
    const source = record();
    const event = toRecordedEvent(source);
    expect(event.position).toEqual({ commit: 2n ** 60n + 7n, prepare: 2n ** 60n + 3n });
    expect(event.position).not.toBe(source.position);
    expect(event).toMatchObject({
      id: source.id,
      type: 'OrderCreated',
      streamId: 'order-1',
      streamVersion: 3,
      data: { a: 1 },
      metadata: { actor: 'x' },
    });
    expect(event.recordedAt.toISOString()).toBe('2025-01-02T03:04:05.678Z');
  });

  it('reads an event without metadata as empty metadata', () => {
    expect(toRecordedEvent(record({ metadata: undefined })).metadata).toEqual({});
  });

  it('refuses an event without a log position (servers before 22.6) with a message that says why', () => {
    expect(() => toRecordedEvent(record({ position: undefined }))).toThrow(/22\.6 or later/);
  });

  it('wraps data that is not a JSON object instead of stalling a reader on a foreign event', () => {
    expect(toJsonObject([1, 2])).toEqual({ value: [1, 2] });
    expect(toJsonObject('text')).toEqual({ value: 'text' });
    expect(toJsonObject(new Uint8Array([1, 2, 3]))).toEqual({ value: 'AQID' });
    expect(toJsonObject(null)).toEqual({});
  });

  it('sees every non-system stream without prefixes, and only the literal prefixes with them', () => {
    expect(matchesStreams('order-1', undefined)).toBe(true);
    expect(matchesStreams('$stats-127.0.0.1:2113', undefined)).toBe(false);
    expect(matchesStreams('$$order-1', undefined)).toBe(false);
    expect(matchesStreams('order-1', ['order-'])).toBe(true);
    expect(matchesStreams('orders-1', ['order-'])).toBe(false);
    expect(matchesStreams('a.b-1', ['a_b', 'a.'])).toBe(true);
    expect(matchesStreams('axb-1', ['a.b'])).toBe(false);
  });
});

describe('EventStoreDB mapping: connection strings', () => {
  it("rewrites KurrentDB's schemes to the esdb:// the 6.2 client understands, keeping the rest", () => {
    expect(toEsdbConnectionString('kurrentdb://127.0.0.1:2113?tls=false')).toBe('esdb://127.0.0.1:2113?tls=false');
    expect(toEsdbConnectionString('kdb+discover://a:1,b:2?tls=false')).toBe('esdb+discover://a:1,b:2?tls=false');
    expect(toEsdbConnectionString('esdb://admin:changeit@h:2113')).toBe('esdb://admin:changeit@h:2113');
  });

  it('yields strings the client accepts (parsing only: no connection is made)', async () => {
    for (const text of ['kurrentdb://127.0.0.1:2113?tls=false', 'kdb://h:1?tls=false', 'esdb://h:2113?tls=false']) {
      const client = EventStoreDBClient.connectionString(toEsdbConnectionString(text));
      await client.dispose();
    }
    expect(() => EventStoreDBClient.connectionString('kurrentdb://127.0.0.1:2113')).toThrow();
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/eventstore/eventStore.ts';
import { checkedStoredOrderEvent, ProjectionDataError } from '../../../src/projections/orders/guard.ts';

const orderId = randomUUID();
const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: randomUUID(),
  type,
  data: { orderId, actor: { type: 'operator', id: randomUUID() }, at: '2025-03-03T09:00:00.000Z', ...data },
  metadata: {},
  streamId: `order-${orderId}`,
  streamVersion: 2,
  position: { commit: 7n, prepare: 70n },
  recordedAt: new Date(),
});

describe('checkedStoredOrderEvent', () => {
  it('checks a stored event once: every projection reading the same object gets the same checked event', () => {
    const event = recorded('SpecApproved', { message: null });
    const first = checkedStoredOrderEvent(event);
    expect(first).toEqual({ ...event.data, type: 'SpecApproved' });
    expect(checkedStoredOrderEvent(event)).toBe(first);
    // What is kept is not part of the event as its readers see it.
    expect(JSON.parse(JSON.stringify(event.data))).toEqual(event.data);
    expect(Object.keys(event)).toEqual([
      'id',
      'type',
      'data',
      'metadata',
      'streamId',
      'streamVersion',
      'position',
      'recordedAt',
    ]);
  });

  it('refuses a malformed event every time it is read, remembering nothing', () => {
    const event = recorded('SpecApproved', { message: 42 });
    expect(() => checkedStoredOrderEvent(event)).toThrow(ProjectionDataError);
    expect(() => checkedStoredOrderEvent(event)).toThrow(/message is missing or malformed/);
  });
});

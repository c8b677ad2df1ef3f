import { describe, expect, it } from 'vitest';
import { changesSince, type OpsOrder } from '../../web/src/opsOrderChanges.ts';

const entry = (id: string, label: string, message: string, actorId: string): OpsOrder['events'][number] => ({
  id,
  status: 'QUEUED',
  statusLabel: label,
  message,
  occurredAt: '2026-03-01T12:00:00.000Z',
  position: '1-1',
  actor: { type: 'OPERATOR', id: actorId },
  metadata: {},
});

/** Only what changesSince reads is filled in; the rest of the order plays no part. */
const base = {
  version: 4,
  canceled: false,
  statusLabel: 'Queued',
  priority: 'STANDARD',
  holdReason: null,
  notes: null,
  publicTrackingUrl: null,
  payment: { paidCents: 5400, refundedCents: 0, currency: 'usd' },
  events: [entry('e1', 'Queued', 'Payment confirmed', 'stripe')],
} as unknown as OpsOrder;

describe('what changed since an edit started (the notes conflict report)', () => {
  it('names each changed field with before and after, the other notes, and only the new timeline entries', () => {
    const now = {
      ...base,
      version: 6,
      priority: 'HOLD',
      holdReason: 'Artwork too small',
      notes: 'Ship with the other order',
      events: [
        ...base.events,
        entry('e2', 'Queued', 'Notes updated', 'op-2'),
        entry('e3', 'Queued', 'Priority changed from Standard to Hold', 'op-2'),
      ],
    } as OpsOrder;
    const changes = changesSince(base, now);
    expect(changes.fromVersion).toBe(4);
    expect(changes.toVersion).toBe(6);
    expect(changes.fields).toEqual([
      { field: 'Priority', before: 'Standard', after: 'Hold' },
      { field: 'Hold reason', before: '(none)', after: 'Artwork too small' },
      { field: 'Notes', before: '(none)', after: 'Ship with the other order' },
    ]);
    expect(changes.otherNotes).toBe('Ship with the other order');
    expect(changes.newEntries.map((e) => [e.id, e.message, e.actor.id])).toEqual([
      ['e2', 'Notes updated', 'op-2'],
      ['e3', 'Priority changed from Standard to Hold', 'op-2'],
    ]);
  });

  it('reports notes cleared as empty other notes, and a cancel as the status', () => {
    const before = { ...base, notes: 'Old note' } as OpsOrder;
    const changes = changesSince(before, { ...before, version: 5, notes: null, canceled: true });
    expect(changes.otherNotes).toBe('');
    expect(changes.fields.map((f) => f.field)).toEqual(['Status', 'Notes']);
    expect(changes.fields[0]).toEqual({ field: 'Status', before: 'Queued', after: 'Canceled' });
  });

  it('finds nothing when nothing changed but the version', () => {
    const changes = changesSince(base, { ...base, version: 5 });
    expect(changes.fields).toEqual([]);
    expect(changes.newEntries).toEqual([]);
    expect(changes.otherNotes).toBeUndefined();
  });
});

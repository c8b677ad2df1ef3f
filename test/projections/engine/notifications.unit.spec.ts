import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeOrderCursor, encodeOrderCursor } from '../../../src/projections/orders/cursor.ts';
import {
  decodeChangeNotice,
  encodeChangeNotices,
  type ChangeNotice,
} from '../../../src/projections/engine/notifications.ts';

const decodeChangeNotices = (payloads: readonly string[]): ChangeNotice[] =>
  payloads.map(decodeChangeNotice).filter((notice): notice is ChangeNotice => notice !== undefined);

describe('change notices', () => {
  it("splits a commit's changed orders into NOTIFY payloads under 8000 bytes that read back whole", () => {
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    const position = { commit: 123_456_789n, prepare: 987_654_321_000n };
    const payloads = encodeChangeNotices(position, ids);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    const notices = decodeChangeNotices(payloads);
    expect(notices.flatMap((n) => n.orderIds)).toEqual(ids);
    expect(
      notices.every(
        (n) =>
          n.position.commit === position.commit &&
          n.position.prepare === position.prepare &&
          n.parts === payloads.length,
      ),
    ).toBe(true);
  });

  it('announces a commit that changed no order (only dead letters), so waiters on it wake', () => {
    const payloads = encodeChangeNotices({ commit: 1n, prepare: 2n }, []);
    expect(decodeChangeNotices(payloads)).toEqual([
      { position: { commit: 1n, prepare: 2n }, part: 0, parts: 1, orderIds: [] },
    ]);
  });

  it('ignores payloads it does not understand', () => {
    expect(decodeChangeNotices(['', 'not json', '{"p":"x"}', '{"p":"1-2","i":0,"n":1,"o":[3]}'])).toEqual([]);
  });
});

describe('order list cursors', () => {
  it('are opaque and read back exactly; anything else is a BAD_USER_INPUT', () => {
    const cursor = { createdAt: '2025-03-03T09:00:00.123456+00:00', id: randomUUID() };
    const text = encodeOrderCursor(cursor);
    expect(text).not.toContain(cursor.id);
    expect(decodeOrderCursor(text)).toEqual(cursor);
    expect(() => decodeOrderCursor('bm9wZQ')).toThrow(/Invalid cursor/);
  });
});

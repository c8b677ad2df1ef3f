import { describe, expect, it } from 'vitest';
import { describeEta, type EtaInput } from '../../web/src/eta.ts';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const paid: EtaInput = {
  etaAt: '2026-03-03T13:02:03.000Z',
  etaDays: 3,
  onHold: false,
  fulfilled: false,
  canceled: false,
  draft: false,
};

describe('the ETA countdown', () => {
  it('counts down to the second while the clock runs', () => {
    expect(describeEta(paid, NOW, undefined)).toEqual({
      state: 'running',
      text: '2d 01:02:03 left',
      leftMs: 2 * 86_400_000 + 3_723_000,
    });
  });

  it('says overdue, and by how much, once the promise has passed', () => {
    expect(describeEta({ ...paid, etaAt: '2026-03-01T10:30:00.000Z' }, NOW, undefined)).toMatchObject({
      state: 'overdue',
      text: 'Overdue by 01:30:00',
    });
  });

  it("pauses on hold with the time left kept: to the second when seen running, else the server's whole days", () => {
    const held = { ...paid, etaAt: null, onHold: true };
    expect(describeEta(held, NOW, 90_061_000)).toEqual({ state: 'paused', text: 'Paused (on hold): 1d 01:01:01 left' });
    expect(describeEta(held, NOW, undefined)).toEqual({ state: 'paused', text: 'Paused (on hold): 3 days left' });
  });

  it("says ready when fulfilled, no ETA when canceled, and the tier's days before payment", () => {
    expect(describeEta({ ...paid, fulfilled: true }, NOW, undefined).text).toBe('Ready');
    expect(describeEta({ ...paid, canceled: true }, NOW, undefined).state).toBe('canceled');
    expect(
      describeEta(
        { etaAt: null, etaDays: 2, onHold: false, fulfilled: false, canceled: false, draft: true },
        NOW,
        undefined,
      ).text,
    ).toBe('Ready within 2 days of payment');
  });
});

import { describe, expect, it } from 'vitest';
import { etaOf, foldOrder, wholeDaysLeft, DAY_MS, type OrderEvent } from '../../../src/domain/order/index.ts';
import { ev, hoursLater, iso } from './fixtures.ts';

const HOUR = 3_600_000;
/** The ETA of the order after `history`, read at `nowHours` on the fake clock. */
const etaAfter = (history: OrderEvent[], nowHours: number) => {
  const order = foldOrder(history);
  if (!order) throw new Error('no order');
  return etaOf(order.clock, hoursLater(nowHours));
};

describe('the ETA clock', () => {
  it('shows the tier nominal days and no instant before payment', () => {
    expect(etaAfter([ev.created()], 30)).toEqual({ etaAt: null, etaDays: 5 });
    expect(etaAfter([ev.created('rush')], 30)).toEqual({ etaAt: null, etaDays: 2 });
    expect(etaAfter([ev.created('hold')], 30)).toEqual({ etaAt: null, etaDays: 5 });
  });

  it('starts at payment: standard promises 5 days, rush 2', () => {
    expect(etaAfter([ev.created(), ev.paid(1)], 1)).toEqual({ etaAt: iso(1 + 120), etaDays: 5 });
    expect(etaAfter([ev.created('rush'), ev.paid(1)], 1)).toEqual({ etaAt: iso(1 + 48), etaDays: 2 });
  });

  it('counts whole days left, rounded up, and never below 0', () => {
    const paid = [ev.created(), ev.paid(1)];
    expect(etaAfter(paid, 1 + 24).etaDays).toBe(4);
    expect(etaAfter(paid, 1 + 24 + 1 / 3600_000).etaDays).toBe(4);
    expect(etaAfter(paid, 1 + 24 - 1).etaDays).toBe(5);
    expect(etaAfter(paid, 1 + 119).etaDays).toBe(1);
    expect(etaAfter(paid, 1 + 120).etaDays).toBe(0);
    expect(etaAfter(paid, 1 + 200)).toEqual({ etaAt: iso(121), etaDays: 0 });
    expect([wholeDaysLeft(1), wholeDaysLeft(DAY_MS), wholeDaysLeft(DAY_MS + 1), wholeDaysLeft(-5)]).toEqual([
      1, 1, 2, 0,
    ]);
  });

  it('pauses on hold, keeping the time left however long the hold lasts', () => {
    const held = [ev.created(), ev.paid(1), ev.priority('standard', 'hold', 25)];
    expect(etaAfter(held, 26)).toEqual({ etaAt: null, etaDays: 4 });
    expect(etaAfter(held, 25 + 24 * 30)).toEqual({ etaAt: null, etaDays: 4 });
  });

  it('resumes on release at the release time plus the time that was left', () => {
    const released = [
      ev.created(),
      ev.paid(1),
      ev.priority('standard', 'hold', 25),
      ev.priority('hold', 'standard', 73),
    ];
    expect(etaAfter(released, 73)).toEqual({ etaAt: iso(73 + 96), etaDays: 4 });
  });

  it('moves the promise on a tier change to payment + new tier days + time spent on hold', () => {
    const history = [
      ev.created(),
      ev.paid(1),
      ev.priority('standard', 'hold', 25),
      ev.priority('hold', 'standard', 73),
      ev.priority('standard', 'rush', 80),
    ];
    // 48 hours on hold: paid at 1 h + 48 h of rush + 48 h held.
    expect(etaAfter(history, 80)).toEqual({ etaAt: iso(1 + 48 + 48), etaDays: 1 });
    const back = [...history, ev.priority('rush', 'standard', 81)];
    expect(etaAfter(back, 81).etaAt).toBe(iso(1 + 120 + 48));
  });

  it('releases straight into another tier counting the hold', () => {
    const history = [ev.created(), ev.paid(1), ev.priority('standard', 'hold', 5), ev.priority('hold', 'rush', 15)];
    expect(etaAfter(history, 15).etaAt).toBe(iso(1 + 48 + 10));
  });

  it('starts paused when paid on hold, and does not count hold time before payment', () => {
    expect(etaAfter([ev.created('hold'), ev.paid(1)], 50)).toEqual({ etaAt: null, etaDays: 5 });
    expect(etaAfter([ev.created('hold'), ev.paid(1), ev.priority('hold', 'rush', 10)], 10).etaAt).toBe(iso(10 + 48));
    expect(etaAfter([ev.created('hold'), ev.priority('hold', 'standard', 5), ev.paid(10)], 10).etaAt).toBe(
      iso(10 + 120),
    );
  });

  it('stops on fulfilment and on cancelation', () => {
    const fulfilled = [ev.created(), ev.paid(1), ev.approved(2), ev.started(3), ev.fulfilled(4)];
    expect(etaAfter(fulfilled, 5)).toEqual({ etaAt: null, etaDays: 0 });
    expect(etaAfter([ev.created(), ev.paid(1), ev.canceled(ev.paid().actor, true, 3)], 4)).toEqual({
      etaAt: null,
      etaDays: 0,
    });
    expect(etaAfter([ev.created(), ev.canceled(ev.created().actor, false, 3)], 4)).toEqual({ etaAt: null, etaDays: 0 });
  });

  it('keeps hours exact, not rounded, in the promise', () => {
    const history = [
      ev.created(),
      ev.paid(1),
      ev.priority('standard', 'hold', 1.5),
      ev.priority('hold', 'standard', 1.75),
    ];
    const { etaAt } = etaAfter(history, 2);
    expect(Date.parse(etaAt!)).toBe(hoursLater(1).getTime() + 5 * DAY_MS + 0.25 * HOUR);
  });
});

import { describe, expect, it } from 'vitest';
import {
  formatReference,
  PRIORITY_LABELS,
  REFERENCE_PATTERN,
  routeOf,
  STATUS_FLOW,
  STATUS_MAP,
  timelineMessage,
} from '../../../src/domain/order/index.ts';
import { ev, iso, operator, owner } from './fixtures.ts';

describe('labels', () => {
  it('maps lifecycle states to the seed labels', () => {
    expect(STATUS_MAP).toEqual({
      draft: 'Spec Review',
      submitted: 'Queued',
      approved: 'Printing',
      in_production: 'Finishing',
      fulfilled: 'Ready',
      canceled: 'Spec Review',
    });
    expect(STATUS_FLOW).toEqual(['Spec Review', 'Queued', 'Printing', 'Finishing', 'Ready']);
    expect(PRIORITY_LABELS).toEqual({ rush: 'Rush', standard: 'Standard', hold: 'Hold' });
  });

  it('draws the route with the current stop, the ones done and when each was reached', () => {
    const route = routeOf('approved', { draft: iso(0), submitted: iso(1), approved: iso(2) });
    expect(route.map((s) => [s.id, s.state, s.reachedAt])).toEqual([
      ['spec-review', 'DONE', iso(0)],
      ['queued', 'DONE', iso(1)],
      ['printing', 'CURRENT', iso(2)],
      ['finishing', 'UPCOMING', null],
      ['ready', 'UPCOMING', null],
    ]);
    expect(routeOf('fulfilled', {}).map((s) => s.state)).toEqual(['DONE', 'DONE', 'DONE', 'DONE', 'DONE']);
    expect(routeOf('canceled', { draft: iso(0), submitted: iso(1), canceled: iso(2) }).map((s) => s.state)).toEqual([
      'DONE',
      'DONE',
      'UPCOMING',
      'UPCOMING',
      'UPCOMING',
    ]);
  });

  it('words the payment confirmation exactly as the seed does', () => {
    expect(timelineMessage(ev.paid())).toBe('Payment confirmed, order queued for production');
    expect(timelineMessage(ev.priority('standard', 'hold', 2, 'Ink late'))).toBe(
      'Priority changed from Standard to Hold: Ink late',
    );
    expect(timelineMessage(ev.canceled(operator, true))).toBe('Order canceled, refund requested: changed plans');
    expect(timelineMessage({ ...ev.canceled(owner, false), reason: null })).toBe('Order canceled');
  });

  it('formats references as PO- and six digits at least', () => {
    expect([formatReference(1), formatReference(123n), formatReference(1_234_567)]).toEqual([
      'PO-000001',
      'PO-000123',
      'PO-1234567',
    ]);
    expect(REFERENCE_PATTERN.test('PO-000123')).toBe(true);
    expect(REFERENCE_PATTERN.test('PO-12')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { CommittedRows } from '../../../src/projections/engine/committedRows.ts';

describe('the committed-rows cache (the orders and metrics projections’ rows as last committed)', () => {
  it('answers the rows remembered last, by key, and shows them as a read-only map', () => {
    const committed = new CommittedRows<{ version: number }>();
    committed.remember(new Map([['a', { version: 1 }]]));
    committed.remember([
      ['a', { version: 2 }],
      ['b', { version: 1 }],
    ]);
    expect(committed.get('a')).toEqual({ version: 2 });
    expect(committed.get('c')).toBeUndefined();
    expect([...committed.rows.keys()]).toEqual(['a', 'b']);
  });

  it('empties itself when a commit takes it past its size, so the next batch reads the rows back', () => {
    const committed = new CommittedRows<number>(3);
    committed.remember([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    expect(committed.rows.size).toBe(3);
    committed.remember([['d', 1]]);
    expect(committed.rows.size).toBe(0);
    expect(committed.get('a')).toBeUndefined();
  });

  it('forgets everything when told the rows may have changed beneath it', () => {
    const committed = new CommittedRows<number>();
    committed.remember([['a', 1]]);
    committed.clear();
    expect(committed.get('a')).toBeUndefined();
    expect(committed.rows.size).toBe(0);
  });

  it('refuses a size that is not a whole number of 1 or more', () => {
    expect(() => new CommittedRows(0)).toThrow('1 or more rows, not 0');
    expect(() => new CommittedRows(Number.NaN)).toThrow('1 or more rows');
  });
});

import { describe, expect, it } from 'vitest';
import { CommittedRows, rowsToRead } from '../../../src/projections/engine/committedRows.ts';

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

  it('reads back only the rows a batch neither has at hand nor opens itself', () => {
    const known = new Map([['kept', { version: 4 }]]);
    const { found, missing } = rowsToRead(
      [
        { key: 'kept', version: 5 },
        // A new order: its first event in the batch opens its stream, so nothing is stored for it.
        { key: 'new', version: 1 },
        { key: 'new', version: 2 },
        { key: 'stored', version: 3 },
        { key: 'stored', version: 4 },
        // Not this projection's stream.
        { key: undefined, version: 7 },
        // Its first event here is not its stream's first: its row is in the tables.
        { key: 'later', version: 2 },
        { key: 'later', version: 1 },
      ],
      known,
    );
    expect([...found]).toEqual([['kept', { version: 4 }]]);
    expect(missing).toEqual(['stored', 'later']);
    expect(rowsToRead([{ key: 'kept', version: 5 }], undefined).missing).toEqual(['kept']);
  });
});

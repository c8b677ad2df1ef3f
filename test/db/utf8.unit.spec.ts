import { describe, expect, it } from 'vitest';
import { utf8Slice, utf8Write } from '../../src/db/utf8.ts';

const SAMPLES = [
  '',
  'plain ascii',
  'tab\there',
  'ünïcödé',
  '漢字かな',
  'emoji 🎉 and a lone surrogate \ud800 end',
  'x'.repeat(70_000),
];

describe("utf8Slice and utf8Write (Buffer's own, called directly)", () => {
  it('give what toString and write give, multi-byte and odd text included', () => {
    for (const text of SAMPLES) {
      const expected = Buffer.from(text, 'utf8');
      const target = Buffer.alloc(expected.length + 8, 0xaa);
      expect(utf8Write(target, text, 4)).toBe(expected.length);
      expect(target.subarray(4, 4 + expected.length)).toEqual(expected);
      expect(target[3]).toBe(0xaa);
      expect(target[4 + expected.length]).toBe(0xaa);
      expect(utf8Slice(target, 4, 4 + expected.length)).toBe(target.toString('utf8', 4, 4 + expected.length));
    }
  });
});

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sqlLiteral } from '../../../src/projections/engine/batchSql.ts';

describe("the projector batch's SQL literals", () => {
  it("are the text pg's escapeLiteral gives, for quotes, backslashes, JSON escapes and any other character", () => {
    const samples = [
      '',
      'plain',
      "it's",
      "''",
      'back\\slash',
      '\\',
      "both ' and \\ and \\' together",
      JSON.stringify([{ notes: 'He said "hi"\n\ttab\\path', emoji: '🧵', nul: '\u0000', quote: "O'Brien" }]),
      'ümlaut — dash',
      "E'not a prefix'",
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = ["'", '\\', '"', 'a', 'Z', '0', ' ', '\n', '\t', 'é', '{', '}', ','];
    for (let i = 0; i < 500; i++)
      samples.push(
        Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
          '',
        ),
      );
    for (const sample of samples) expect(sqlLiteral(sample)).toBe(pg.Client.prototype.escapeLiteral(sample));
  });
});

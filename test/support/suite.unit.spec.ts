import { afterAll, describe, expect, it } from 'vitest';
import { perSuite } from './suite.ts';

const log: string[] = [];
const open = () => {
  log.push('open');
  return Promise.resolve({
    count: 1,
    name: 'fixture',
    close() {
      log.push(`close at ${this.count}`);
      return Promise.resolve();
    },
  });
};

describe('a fixture per suite', () => {
  const early = perSuite(open);
  let tooEarly: unknown;
  try {
    tooEarly = early.name;
  } catch (error) {
    tooEarly = error;
  }
  const fixture = perSuite(open);

  it('is opened once before the tests, and refuses to be read before that', () => {
    expect(tooEarly).toBeInstanceOf(Error);
    expect(log).toEqual(['open', 'open']);
  });

  it("reads and writes the fixture's fields, and spreads as the fixture does", () => {
    expect(fixture.name).toBe('fixture');
    fixture.count += 1;
    expect(fixture.count).toBe(2);
    expect('name' in fixture).toBe(true);
    expect({ ...fixture, close: undefined }).toEqual({ count: 2, name: 'fixture', close: undefined });
  });
});

afterAll(() => {
  // Each fixture closed after its block's tests, with what the tests left in it.
  expect(log).toEqual(['open', 'open', 'close at 2', 'close at 1']);
});

import { afterAll, beforeAll } from 'vitest';

/**
 * A fixture shared by the tests of the enclosing `describe` block (or file): `open()` runs in a
 * `beforeAll`, the fixture's `close()` in an `afterAll`. The object answered stands for the fixture:
 * read it (and set its writable fields) inside hooks and tests, once the `beforeAll` has run.
 */
export function perSuite<F extends { close(): Promise<void> }>(open: () => Promise<F>): F {
  let fixture: F | undefined;
  beforeAll(async () => {
    fixture = await open();
  });
  afterAll(async () => {
    await fixture?.close();
  });
  const opened = (): F => {
    if (!fixture) throw new Error('the suite fixture is opened in beforeAll: use it inside hooks and tests');
    return fixture;
  };
  return new Proxy({} as F, {
    get: (_, key) => Reflect.get(opened(), key),
    set: (_, key, value) => Reflect.set(opened(), key, value),
    has: (_, key) => Reflect.has(opened(), key),
    ownKeys: () => Reflect.ownKeys(opened()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(opened(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

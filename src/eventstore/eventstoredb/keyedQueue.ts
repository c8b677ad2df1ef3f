/**
 * Runs tasks one at a time per key, in call order; different keys run side by side. The adapter
 * queues appends per stream so that two copies of one append from this process never race past
 * each other's duplicate check (ESDB would then accept the second as its own idempotent write and
 * we could not tell it was a repeat). Keys are forgotten once their queue drains.
 */
export interface KeyedQueue {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with queued or running work (for tests and diagnostics). */
  readonly size: number;
}

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task);
      // A failed task must not fail the ones queued behind it: they only wait for it to settle.
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    get size() {
      return tails.size;
    },
  };
}

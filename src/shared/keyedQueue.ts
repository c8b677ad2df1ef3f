/**
 * Runs tasks one at a time per key, in arrival order; different keys run side by side. A failed
 * task does not fail the ones queued behind it (they only wait for it to settle), and a key is
 * forgotten once its queue drains, so the map holds only keys with work in flight.
 *
 * Used on hot paths (one call per command, one per EventStoreDB append): a task with nothing
 * ahead of it starts at once, in the caller's tick, and costs one small array; only a task that
 * has to wait allocates a promise to be woken by.
 */
export interface KeyedQueue {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with queued or running work (for tests and diagnostics). */
  readonly size: number;
}

export function createKeyedQueue(): KeyedQueue {
  // Per key with a task running: the wake-ups of the tasks waiting behind it, first come first.
  const waiting = new Map<string, (() => void)[]>();
  async function run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let queue = waiting.get(key);
    if (queue === undefined) waiting.set(key, (queue = []));
    else {
      const behind = queue;
      await new Promise<void>((wake) => behind.push(wake));
    }
    try {
      return await task();
    } finally {
      // Hand the key to the next in line, or forget it; either way, whatever the task's outcome.
      const next = queue.shift();
      if (next) next();
      else waiting.delete(key);
    }
  }
  return {
    run,
    get size() {
      return waiting.size;
    },
  };
}

/**
 * Runs one piece of work per stream at a time within this process, in arrival order. Writers of
 * one service instance then never race each other for a stream's next version: each decides on
 * the fold the previous one left in the cache, and optimistic concurrency is left to settle only
 * races with other processes. Without it, many writers on one hot order all decided on the same
 * cached fold, one won each round, and the rest could lose 25 rounds in a row.
 */
export type StreamQueue = <T>(streamId: string, work: () => Promise<T>) => Promise<T>;

export function createStreamQueue(): StreamQueue {
  // The last piece of work queued per stream; an entry is removed when its queue drains, so the
  // map holds only streams with work in flight.
  const tails = new Map<string, Promise<void>>();
  return async <T>(streamId: string, work: () => Promise<T>): Promise<T> => {
    const previous = tails.get(streamId);
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => done) : done;
    tails.set(streamId, tail);
    try {
      if (previous) await previous; // never rejects: it only ever resolves when work is done
      return await work();
    } finally {
      release();
      if (tails.get(streamId) === tail) tails.delete(streamId);
    }
  };
}

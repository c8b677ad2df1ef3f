import type { ChangeFeed, OrderChange } from '../../../../projections/index.ts';

/**
 * The read model's change notices for one subscription, from the moment of the call (listen
 * first, then read the current state: nothing committed in between is missed). Notices are
 * coalesced per order, newest kept: readers always load the order as it is now, so a slow
 * subscriber holds one pending notice per order, never an unbounded queue. Ends when `signal` aborts.
 */
export function listenForChanges(feed: Pick<ChangeFeed, 'subscribe'>, accept: (change: OrderChange) => boolean, signal: AbortSignal): AsyncIterable<OrderChange> {
  const batches = listenForChangeBatches(feed, accept, signal);
  return {
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches) yield* batch;
    },
  };
}

/**
 * As `listenForChanges`, but hands over everything pending at once (oldest order first), so a
 * subscriber that fell behind can start loading all of it together instead of one read per notice.
 */
export function listenForChangeBatches(
  feed: Pick<ChangeFeed, 'subscribe'>,
  accept: (change: OrderChange) => boolean,
  signal: AbortSignal,
): AsyncIterable<readonly OrderChange[]> {
  let pending = new Map<string, OrderChange>();
  let wake: (() => void) | undefined;
  const unsubscribe = feed.subscribe((change) => {
    if (!accept(change)) return;
    pending.delete(change.orderId);
    pending.set(change.orderId, change);
    wake?.();
  });
  const stop = () => {
    unsubscribe();
    wake?.();
  };
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });

  return {
    async *[Symbol.asyncIterator]() {
      try {
        while (!signal.aborted) {
          if (pending.size > 0) {
            const batch = [...pending.values()];
            pending = new Map();
            yield batch;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        signal.removeEventListener('abort', stop);
        unsubscribe();
      }
    },
  };
}

/**
 * One load per key at a time, shared by every caller asking meanwhile: when a change reaches a
 * thousand subscribers of one order, the order is read from the database once, not a thousand times.
 */
export function sharedLoader<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key) => {
    const running = inFlight.get(key);
    if (running) return running;
    const started = load(key).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}

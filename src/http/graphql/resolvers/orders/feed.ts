import type { ChangeFeed, OrderChange, OrderChangeListener } from '../../../../projections/index.ts';

/** Registers a listener for some changes; returns its unsubscribe. */
export type ChangeSource = (listener: OrderChangeListener) => () => void;

export interface ChangeHub {
  /** The changes of one order only. */
  order(orderId: string): ChangeSource;
  /** Every change. */
  readonly all: ChangeSource;
}

/**
 * The feed's notices routed by order id, for the subscriptions of one process. Each order page
 * follows one order; if each put a listener of its own on the feed, every change would call every
 * subscription's filter (a thousand subscribers at a thousand changes/s: a million calls a
 * second). The hub takes one listener on the feed and calls only the listeners of the changed
 * order, plus those that follow every order.
 */
export function createChangeHub(feed: Pick<ChangeFeed, 'subscribe'>): ChangeHub {
  const byOrder = new Map<string, Set<OrderChangeListener>>();
  const everyOrder = new Set<OrderChangeListener>();
  let listeners = 0;
  // On the feed only while someone listens here.
  let detach: (() => void) | undefined;
  const dispatch = (change: OrderChange) => {
    let failure: Error | undefined;
    const call = (listener: OrderChangeListener) => {
      try {
        listener(change);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error('A change listener failed', { cause: error });
      }
    };
    byOrder.get(change.orderId)?.forEach(call);
    everyOrder.forEach(call);
    // One listener's failure must not starve the others; the feed reports it.
    if (failure) throw failure;
  };
  const added = (remove: () => void) => {
    listeners += 1;
    // Subscriptions read changed orders' summaries: the local projector may hand them over.
    detach ??= feed.subscribe(dispatch, { summaries: true });
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      remove();
      listeners -= 1;
      if (listeners === 0) {
        detach?.();
        detach = undefined;
      }
    };
  };
  return {
    order: (orderId) => (listener) => {
      let forOrder = byOrder.get(orderId);
      if (!forOrder) byOrder.set(orderId, (forOrder = new Set()));
      const set = forOrder;
      set.add(listener);
      return added(() => {
        set.delete(listener);
        if (set.size === 0 && byOrder.get(orderId) === set) byOrder.delete(orderId);
      });
    },
    all: (listener) => {
      everyOrder.add(listener);
      return added(() => everyOrder.delete(listener));
    },
  };
}

/**
 * The change notices of `source` for one subscription, from the moment of the call (listen
 * first, then read the current state: nothing committed in between is missed). Notices are
 * coalesced per order, newest kept: readers always load the order as it is now, so a slow
 * subscriber holds one pending notice per order, never an unbounded queue. Ends when `signal` aborts.
 */
export function listenForChanges(source: ChangeSource, signal: AbortSignal): AsyncIterable<OrderChange> {
  const batches = listenForChangeBatches(source, signal);
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
  source: ChangeSource,
  signal: AbortSignal,
): AsyncIterable<readonly OrderChange[]> {
  let pending = new Map<string, OrderChange>();
  let wake: (() => void) | undefined;
  const unsubscribe = source((change) => {
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

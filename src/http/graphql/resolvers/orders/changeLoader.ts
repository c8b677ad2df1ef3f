import { formatPosition, type GlobalPosition } from '../../../../eventstore/eventStore.ts';
import type { OrderChange } from '../../../../projections/index.ts';

export interface ChangeLoaderOptions<V> {
  /** Reads the current state of these orders (one statement); missing ones are absent. */
  readonly loadMany: (ids: readonly string[]) => Promise<ReadonlyMap<string, V>>;
  /** The view the notice itself carries (the local projector's read-back), if any: no read then. */
  readonly fromChange?: (change: OrderChange) => V | undefined;
  /** How long a loaded change stays shared with later askers. Default 2000 ms. */
  readonly ttlMs?: number;
  /** Most remembered changes (oldest forgotten first). Default 10,000. */
  readonly maxEntries?: number;
  /** Most ids in one read. Default 200. */
  readonly maxBatch?: number;
  readonly clock?: () => number;
}

export type ChangeLoader<V> = (change: OrderChange) => Promise<V | null>;

interface Remembered<V> {
  readonly view: Promise<V | null>;
  readonly expiresAt: number;
}

/**
 * The order behind one change notice, read once for every subscription that follows it. A
 * thousand dashboards each walk through the same notices at their own pace; without this each
 * one read every changed order itself (one round trip per change per dashboard). So the loaded
 * order is remembered per (order, position) for a short time, and the ids asked for within one
 * turn of the event loop go to the database together in one `id = any($1)` read.
 *
 * Reading the order as it is now is always right for a notice: the read model had reached that
 * position before the notice was sent, so the order read holds that change (and maybe later ones).
 * Failed and empty reads are not remembered: the next asker reads again.
 */
export function changeLoader<V>(options: ChangeLoaderOptions<V>): ChangeLoader<V> {
  const ttlMs = options.ttlMs ?? 2000;
  const maxEntries = options.maxEntries ?? 10_000;
  const maxBatch = options.maxBatch ?? 200;
  const clock = options.clock ?? Date.now;
  const remembered = new Map<string, Remembered<V>>();
  let queued = new Map<string, { resolve: (view: V | null) => void; reject: (error: unknown) => void }[]>();
  let flushScheduled = false;

  const flush = () => {
    flushScheduled = false;
    const batch = queued;
    queued = new Map();
    const ids = [...batch.keys()];
    for (let start = 0; start < ids.length; start += maxBatch) {
      const chunk = ids.slice(start, start + maxBatch);
      void options.loadMany(chunk).then(
        (views) => chunk.forEach((id) => batch.get(id)?.forEach((waiter) => waiter.resolve(views.get(id) ?? null))),
        (error: unknown) => chunk.forEach((id) => batch.get(id)?.forEach((waiter) => waiter.reject(error))),
      );
    }
  };

  const read = (orderId: string) =>
    new Promise<V | null>((resolve, reject) => {
      const waiters = queued.get(orderId) ?? [];
      waiters.push({ resolve, reject });
      queued.set(orderId, waiters);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });

  const forget = (key: string, entry: Remembered<V>) => {
    if (remembered.get(key) === entry) remembered.delete(key);
  };

  return (change) => {
    const key = keyOf(change.orderId, change.position);
    const now = clock();
    // Entries sit in the order they expire (one ttl for all): drop the expired ones from the front.
    // Left until the size bound, ten thousand views and their executions stayed alive for ten
    // seconds at a thousand changes a second, and every scavenge of the heap paid for them.
    for (const [oldKey, entry] of remembered) {
      if (entry.expiresAt > now) break;
      remembered.delete(oldKey);
    }
    const known = remembered.get(key);
    if (known && known.expiresAt > now) return known.view;
    if (known) remembered.delete(key);
    const carried = options.fromChange?.(change);
    const view = carried === undefined ? read(change.orderId) : Promise.resolve(carried);
    const entry: Remembered<V> = { view, expiresAt: now + ttlMs };
    remembered.set(key, entry);
    void view.then(
      (found) => found ?? forget(key, entry),
      () => forget(key, entry),
    );
    while (remembered.size > maxEntries) remembered.delete(remembered.keys().next().value as string);
    return view;
  };
}

const keyOf = (orderId: string, position: GlobalPosition) => `${orderId}|${formatPosition(position)}`;

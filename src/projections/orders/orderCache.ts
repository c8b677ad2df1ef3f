import { etaOf } from '../../domain/order/index.ts';
import type { ChangeFeed } from '../engine/changeFeed.ts';
import { isUuid } from '../../domain/ids.ts';
import { findOrderRow, type Queryable, type ReadOptions } from './queries.ts';
import { startTableWatch, type TableWatch } from './orderCacheWatch.ts';
import { orderView, type ProductionOrderView } from './views.ts';

/** Reads one order as `findOrder` does (same answer, same visibility rule). */
export interface OrderReader {
  find(id: string, options?: ReadOptions): Promise<ProductionOrderView | null>;
}

export interface OrderCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
}

export interface OrderCache extends OrderReader {
  stats(): OrderCacheStats;
  /** Off: every read goes to PostgreSQL and nothing is kept (benchmarks show both figures). */
  setEnabled(enabled: boolean): void;
  close(): void;
}

export interface OrderCacheOptions {
  readonly db: Queryable;
  readonly changeFeed: Pick<ChangeFeed, 'subscribe' | 'currentPosition'>;
  /** Orders kept, least recently read dropped first. Default 10,000 (a few KB each with its timeline: tens of MB at most). */
  readonly capacity?: number;
  /** How often to look for a rebuild's table switch and a stalled feed. Default 1000 ms. */
  readonly watchIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

interface Entry {
  /** The view as of its fill; its time-dependent fields are recomputed on every read. */
  readonly view: ProductionOrderView;
  readonly eta: Parameters<typeof etaOf>[0];
}

/** One read from PostgreSQL in flight; a change noticed meanwhile makes its row unfit to keep. */
interface Fill {
  stale: boolean;
}

/**
 * A read-through cache of whole orders (`findOrder`'s row, as the view), by id, kept coherent by
 * the change feed: the feed calls its listeners for every changed order before read-your-writes
 * waiters resolve, so a read that waited for a write never sees the entry from before it. A row
 * read while a change to that order was noticed is not kept (it may predate the change). A
 * rebuild's table switch does not notify unchanged orders, so a watch clears everything when the
 * tables are swapped, and also when the feed stalls (notices lost), until it catches up.
 * Visibility and the time-dependent fields (etaDays, etaAt) are decided per read.
 */
export function createOrderCache(options: OrderCacheOptions): OrderCache {
  const capacity = options.capacity ?? 10_000;
  // A Map iterates in insertion order: re-inserting on every hit makes the first key the LRU one.
  const entries = new Map<string, Entry>();
  const fills = new Map<string, Set<Fill>>();
  let enabled = capacity > 0;
  let hits = 0;
  let misses = 0;

  const forgetAll = (): void => {
    entries.clear();
    for (const set of fills.values()) for (const fill of set) fill.stale = true;
  };
  const unsubscribe = options.changeFeed.subscribe(({ orderId }) => {
    const key = orderId.toLowerCase();
    entries.delete(key);
    const pending = fills.get(key);
    if (pending) for (const fill of pending) fill.stale = true;
  });
  const watch: TableWatch = startTableWatch({
    db: options.db,
    changeFeed: options.changeFeed,
    intervalMs: options.watchIntervalMs ?? 1000,
    onDistrust: forgetAll,
    ...(options.onError ? { onError: options.onError } : {}),
  });

  const present = (entry: Entry, ownerId: string | undefined, now: Date): ProductionOrderView | null => {
    // A customer asking for another's order gets what a missing order gets.
    if (ownerId !== undefined && entry.view.userId !== ownerId.toLowerCase()) return null;
    const { etaDays, etaAt } = etaOf(entry.eta, now);
    return { ...entry.view, etaDays, etaAt };
  };

  return {
    async find(id, readOptions = {}) {
      if (!isUuid(id) || (readOptions.ownerId !== undefined && !isUuid(readOptions.ownerId))) return null;
      const key = id.toLowerCase();
      const now = readOptions.now ?? new Date();
      const cached = enabled ? entries.get(key) : undefined;
      if (cached) {
        hits += 1;
        entries.delete(key);
        entries.set(key, cached);
        return present(cached, readOptions.ownerId, now);
      }
      misses += 1;
      const fill: Fill = { stale: !enabled || !watch.trusted() };
      let pending = fills.get(key);
      if (!pending) fills.set(key, (pending = new Set()));
      pending.add(fill);
      try {
        const row = await findOrderRow(options.db, key);
        if (!row) return null;
        // Frozen: every later read shares it, so no reader may change it for the others.
        const entry: Entry = { view: deepFreeze(orderView(row, now)), eta: row.eta_clock };
        if (!fill.stale && enabled) {
          entries.set(key, entry);
          if (entries.size > capacity) entries.delete(entries.keys().next().value!);
        }
        return present(entry, readOptions.ownerId, now);
      } finally {
        pending.delete(fill);
        if (pending.size === 0) fills.delete(key);
      }
    },
    stats: () => ({ hits, misses, size: entries.size }),
    setEnabled(value) {
      enabled = value && capacity > 0;
      if (!enabled) forgetAll();
    },
    close() {
      unsubscribe();
      watch.stop();
      forgetAll();
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

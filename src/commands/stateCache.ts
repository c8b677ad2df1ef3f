import type { Order } from '../domain/order/index.ts';
import type { GlobalPosition } from '../eventstore/eventStore.ts';
import { StateCache } from './handleCommand.ts';

/**
 * One order service instance's folds of the streams it touched lately (an LRU, bounded). Another
 * process may append behind its back, so an entry is a guess: runOrderCommand trusts it only for
 * an append at its version, which the store refuses when the guess is stale.
 */
export type OrderStateCache = StateCache<Order | null>;

/** 10,000 orders of a few KB each: tens of MB at most, and the hot orders are the recent ones. */
export const DEFAULT_CACHE_ENTRIES = 10_000;

export function createOrderStateCache(maxEntries = DEFAULT_CACHE_ENTRIES): OrderStateCache {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new Error(`An order state cache holds 1 or more entries, not ${maxEntries}`);
  return new StateCache<Order | null>(maxEntries);
}

export interface Snapshot {
  readonly state: Order | null;
  readonly version: number;
  readonly position: GlobalPosition | undefined;
}

const NO_STREAM: Snapshot = { state: null, version: 0, position: undefined };

/**
 * The fold a first attempt may decide on without reading, or undefined to read. `isNew`: the
 * order id was just drawn at random, so its stream is as good as known to be empty (the append at
 * version 0 proves it). A caller's expected version that is not the entry's is never answered from
 * the cache: another process may have brought the stream to exactly that version.
 */
export function trustedSnapshot(cache: OrderStateCache | undefined, streamId: string, options: { readonly expectedVersion?: number; readonly isNew?: boolean }): Snapshot | undefined {
  const snapshot = options.isNew ? NO_STREAM : cache?.get(streamId);
  if (!snapshot) return undefined;
  return options.expectedVersion === undefined || options.expectedVersion === snapshot.version ? snapshot : undefined;
}

/** Keeps the newest fold seen: a slow writer finishing late must not put an older one back. */
export function remember(cache: OrderStateCache | undefined, streamId: string, snapshot: Snapshot): void {
  if (!cache || snapshot.state === null) return;
  const known = cache.get(streamId);
  if (!known || known.version < snapshot.version) cache.set(streamId, snapshot);
}

/** Drops a fold that lost a race, unless a winner already left a newer one (which is worth keeping). */
export function forget(cache: OrderStateCache | undefined, streamId: string, version: number): void {
  const known = cache?.get(streamId);
  if (known && known.version <= version) cache?.delete(streamId);
}

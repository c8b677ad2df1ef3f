import type { GlobalPosition } from '../eventstore/eventStore.ts';

/** A stream's fold as of one version, and the position of its newest event (none: empty stream). */
export interface Snapshot<State> {
  readonly state: State;
  readonly version: number;
  readonly position: GlobalPosition | undefined;
}

/** 10,000 streams of a few KB each: tens of MB at most, and the hot streams are the recent ones. */
export const DEFAULT_CACHE_ENTRIES = 10_000;

/**
 * One process's folds of the streams it touched lately (an LRU, bounded). Another process may
 * append behind its back, so an entry is a guess: the command handler trusts it only for an
 * append at its version, which the store refuses when the guess is stale. A stale entry costs a
 * read or a retry, never a wrong answer.
 */
export class StateCache<State> {
  readonly #entries = new Map<string, Snapshot<State>>();

  constructor(private readonly maxEntries = DEFAULT_CACHE_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
      throw new Error(`A state cache holds 1 or more entries, not ${maxEntries}`);
  }

  /** The fold last kept for this stream; it becomes the most recently used. */
  get(streamId: string): Snapshot<State> | undefined {
    const entry = this.#entries.get(streamId);
    if (entry) {
      this.#entries.delete(streamId);
      this.#entries.set(streamId, entry);
    }
    return entry;
  }

  /**
   * Keeps the newest fold seen: a slow writer finishing late must not put an older one back. An
   * empty stream is not kept, so requests for streams that do not exist cannot fill the cache.
   */
  remember(streamId: string, snapshot: Snapshot<State>): void {
    if (snapshot.version === 0) return;
    const known = this.#entries.get(streamId);
    if (known && known.version >= snapshot.version) return;
    this.#entries.delete(streamId);
    this.#entries.set(streamId, { state: snapshot.state, version: snapshot.version, position: snapshot.position });
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Drops a fold that lost a race, unless a winner already left a newer one (which is worth keeping). */
  forget(streamId: string, version: number): void {
    const known = this.#entries.get(streamId);
    if (known && known.version <= version) this.#entries.delete(streamId);
  }
}

import type pg from 'pg';
import { comparePositions, type GlobalPosition, type RecordedEvent, type SubscribeOptions } from '../eventStore.ts';
import { readAllPage } from './reads.ts';
import type { Listener, Wakeups } from './wakeups.ts';

export const ORIGIN: GlobalPosition = { commit: 0n, prepare: 0n };
/** While a known commit is not yet readable (an older transaction is still open), look again this often at most. */
const MAX_CATCH_UP_BACKOFF_MS = 50;

export interface SubscriptionDeps {
  readonly pool: pg.Pool;
  readonly wakeups: Wakeups;
  readonly listener: Listener;
  /** The slow fallback poll, for commits nobody announced (e.g. a NOTIFY lost with its connection). */
  readonly pollIntervalMs: number;
  /** Aborted when the store closes. */
  readonly closed: AbortSignal;
}

/**
 * Catch-up then live, one loop: read a page after the cursor; when nothing is left, sleep until a
 * local commit, another process's NOTIFY or the fallback poll. The wake generation is read before
 * each page, so a commit landing between the read and the sleep is never slept through.
 */
export async function* subscribeToAll(
  deps: SubscriptionDeps,
  options: SubscribeOptions & { readonly maxBatchSize: number },
): AsyncGenerator<readonly RecordedEvent[]> {
  const signal = options.signal ? AbortSignal.any([options.signal, deps.closed]) : deps.closed;
  let cursor = options.after ?? ORIGIN;
  let backoffMs = 0;
  while (!signal.aborted) {
    deps.listener.ensure();
    const generation = deps.wakeups.generation;
    const page = await readAllPage(deps.pool, cursor, options.maxBatchSize, options.streamPrefixes);
    if (signal.aborted) return;
    if (page.reached && comparePositions(page.reached, cursor) > 0) cursor = page.reached;
    if (page.events.length > 0) yield page.events;
    if (page.events.length === options.maxBatchSize) continue;

    const known = deps.wakeups.latestKnown;
    if (known && comparePositions(cursor, known) < 0) {
      // Committed but not readable yet: an older transaction is still open. Never skip it; look again soon.
      backoffMs = Math.min(Math.max(1, backoffMs * 2), MAX_CATCH_UP_BACKOFF_MS);
      await deps.wakeups.wait(generation, backoffMs, signal);
      continue;
    }
    backoffMs = 0;
    await deps.wakeups.wait(generation, deps.pollIntervalMs, signal);
  }
}

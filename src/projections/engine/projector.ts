import type pg from 'pg';
import { comparePositions, type EventStore } from '../../eventstore/eventStore.ts';
import { projectBatch, type CommittedBatch, type LiveSlot, type ProjectorHooks } from './batch.ts';
import { CheckpointMovedError, readCheckpoint } from './checkpoints.ts';
import type { Projection } from './projection.ts';
import { PROJECTOR_LOCK_KEY, whileLeading } from '../../db/leadership.ts';
import { checkOut } from '../../db/transaction.ts';

export interface ProjectorOptions<Summary = unknown> {
  readonly pool: pg.Pool;
  readonly eventStore: EventStore;
  /** What it runs: every batch is one transaction of all of them. */
  readonly projections: readonly Projection<Summary>[];
  /** Told of every commit at once, before any database round trip (the local change feed). */
  readonly onCommitted?: (batch: CommittedBatch<Summary>) => void;
  /** Asked before each batch: read the changed orders' summaries back for `onCommitted` (see commitBatch). */
  readonly readBack?: () => boolean;
  /** The backend process id of the connection the projector now writes on; undefined once it let go of it. */
  readonly onConnection?: (backendProcessId: number | undefined) => void;
  /** Events per transaction at most. Default 1000. */
  readonly batchSize?: number;
  /** How often a follower tries to take over the lead. Default 1000 ms. */
  readonly leaderRetryMs?: number;
  readonly onError?: (error: unknown) => void;
  readonly hooks?: ProjectorHooks;
}

export interface Projector {
  /** True while this process is the one projecting. */
  readonly isLeader: boolean;
  /** Stops following; a batch in flight commits or rolls back first. */
  stop(): Promise<void>;
}

/**
 * Runs the projections in this process whenever it holds the lead: catch up from the
 * checkpoints, then follow live, every batch one transaction of all of them. Any number of
 * processes may start one; exactly one projects.
 */
export function startProjector<S>(options: ProjectorOptions<S>): Projector {
  if (options.projections.length === 0) throw new Error('A projector needs a projection to run');
  const stopping = new AbortController();
  let leader = false;
  const loop = whileLeading(
    options.pool.options,
    PROJECTOR_LOCK_KEY,
    stopping.signal,
    async (leading) => {
      leader = true;
      try {
        await lead(options, leading);
      } finally {
        leader = false;
      }
    },
    { retryMs: options.leaderRetryMs, onError: options.onError },
  );

  return {
    get isLeader() {
      return leader;
    },
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}

/** Projects while `signal` allows; returns (or throws) when it should stop leading. */
async function lead<S>(options: ProjectorOptions<S>, signal: AbortSignal): Promise<void> {
  const { client, release } = await checkOut(options.pool);
  options.onConnection?.((client as unknown as { processID: number | null }).processID ?? undefined);
  let failed: Error | undefined;
  try {
    const streamPrefixes = [...new Set(options.projections.flatMap((projection) => projection.streamPrefixes))];
    while (!signal.aborted) {
      // Per subscription: a restart (the checkpoint moved) ends the old one and forgets what the projections kept.
      const slots: LiveSlot<S>[] = [];
      for (const projection of options.projections) {
        slots.push({
          projection,
          live: projection.live(),
          position: (await readCheckpoint(client, projection.name)).position,
        });
      }
      // From the lowest checkpoint: a projection added later catches up while the others skip what they have.
      let from = slots[0]!.position;
      for (const slot of slots)
        if (!slot.position || (from && comparePositions(slot.position, from) < 0)) from = slot.position;
      const subscription = new AbortController();
      try {
        const batches = prefetching(
          options.eventStore.subscribeToAll({
            ...(from ? { after: from } : {}),
            streamPrefixes,
            maxBatchSize: options.batchSize ?? 1000,
            signal: AbortSignal.any([signal, subscription.signal]),
          }),
        );
        for await (const events of batches) {
          const committed = await projectBatch(
            { client, schema: 'public', slots, hooks: options.hooks, readBack: options.readBack?.() ?? false },
            events,
          );
          options.onCommitted?.(committed);
          if (signal.aborted) break;
        }
      } catch (error) {
        // A rebuild switched tables (or another leader wrote): start again from the stored checkpoint.
        if (!(error instanceof CheckpointMovedError)) throw error;
      } finally {
        subscription.abort();
      }
    }
  } catch (error) {
    failed = error as Error;
    throw error;
  } finally {
    options.onConnection?.(undefined);
    // A connection that failed, or whose work failed, is destroyed rather than handed back to the pool.
    release(failed);
  }
}

/**
 * Asks the source for its next batch as soon as one is handed out, so the store reads the next
 * page while the projector writes the current one.
 */
async function* prefetching<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = iterator.next();
      yield result.value;
    }
  } finally {
    // The read in flight ends when the caller aborts the subscription; then close the source.
    void next.then(
      () => iterator.return?.(),
      () => undefined,
    );
  }
}

import type pg from 'pg';
import type { EventStore } from '../../eventstore/eventStore.ts';
import type { ProjectorHooks } from './batch.ts';
import { startChangeFeed, type ChangeFeed } from './changeFeed.ts';
import type { Projection } from './projection.ts';
import { startProjector, type Projector } from './projector.ts';

export interface ReadModelOptions<Summary = unknown> {
  readonly pool: pg.Pool;
  readonly eventStore: EventStore;
  /** The projections the read model is made of (the app lists them). */
  readonly projections: readonly Projection<Summary>[];
  /** Run the projector here too (config `PROJECTOR=on`); one leader projects among all processes. */
  readonly projector: boolean;
  readonly batchSize?: number;
  readonly onError?: (error: unknown) => void;
  readonly hooks?: ProjectorHooks;
}

export interface ReadModel<Summary = unknown> {
  readonly changeFeed: ChangeFeed<Summary>;
  /** Undefined when this process does not run the projector. */
  readonly projector: Projector | undefined;
  /** Stops the projector (a batch in flight finishes), then the feed. */
  close(): Promise<void>;
}

/**
 * The read model's moving parts for one process: the change feed (always) and the projector
 * (when asked), wired so that this process hears of its own projector's commits at once.
 * Run `migrate(pool)` first.
 */
export async function startReadModel<Summary>(options: ReadModelOptions<Summary>): Promise<ReadModel<Summary>> {
  const changeFeed = await startChangeFeed<Summary>({
    pool: options.pool,
    projections: options.projections,
    onError: options.onError,
  });
  let closing = false;
  const projector = options.projector
    ? startProjector({
        pool: options.pool,
        eventStore: options.eventStore,
        projections: options.projections,
        batchSize: options.batchSize,
        onError: options.onError,
        hooks: options.hooks,
        onCommitted: (batch) => changeFeed.publish(batch.position, batch.changedOrderIds, batch.summaries),
        readBack: () => changeFeed.wantsSummaries(),
        onConnection: (backend) => {
          changeFeed.projectingOn(backend);
          // A leader that lost its connection may have committed a batch it never published. Not on
          // close: nobody is left to tell, and the pool is about to end.
          if (backend === undefined && !closing)
            changeFeed.catchUp().catch((error: unknown) => options.onError?.(error));
        },
      })
    : undefined;
  return {
    changeFeed,
    projector,
    async close() {
      closing = true;
      await projector?.stop();
      await changeFeed.close();
    },
  };
}

import type pg from 'pg';
import type { EventStore } from '../../commands/eventStore.ts';
import type { ProjectorHooks } from './batch.ts';
import { startChangeFeed, type ChangeFeed } from './changeFeed.ts';
import { startProjector, type Projector } from './projector.ts';

export interface ReadModelOptions {
  readonly pool: pg.Pool;
  readonly eventStore: EventStore;
  /** Run the projector here too (config `PROJECTOR=on`); one leader projects among all processes. */
  readonly projector: boolean;
  readonly batchSize?: number;
  readonly onError?: (error: unknown) => void;
  readonly hooks?: ProjectorHooks;
}

export interface ReadModel {
  readonly changeFeed: ChangeFeed;
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
export async function startReadModel(options: ReadModelOptions): Promise<ReadModel> {
  const changeFeed = await startChangeFeed({ pool: options.pool, onError: options.onError });
  let closing = false;
  const projector = options.projector
    ? startProjector({
        pool: options.pool,
        eventStore: options.eventStore,
        batchSize: options.batchSize,
        onError: options.onError,
        hooks: options.hooks,
        onCommitted: (batch) => changeFeed.publish(batch.position, batch.changedOrderIds, batch.summaries),
        readBack: () => changeFeed.wantsSummaries(),
        onConnection: (backend) => {
          changeFeed.projectingOn(backend);
          // A leader that lost its connection may have committed a batch it never published. Not on
          // close: nobody is left to tell, and the pool is about to end.
          if (backend === undefined && !closing) changeFeed.catchUp().catch((error: unknown) => options.onError?.(error));
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

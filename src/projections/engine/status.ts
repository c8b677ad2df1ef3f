import type pg from 'pg';
import { comparePositions, type EventStore, type GlobalPosition } from '../../eventstore/eventStore.ts';
import { readCheckpoint } from './checkpoints.ts';
import type { Projection } from './projection.ts';
import { listDeadLetters, type DeadLetterRow } from './deadLetters.ts';
import { PROJECTOR_LOCK_KEY, REBUILD_LOCK_KEY, isLockHeld } from '../../db/leadership.ts';

export interface ProjectionStatus {
  readonly name: string;
  /** A projection writes read tables; a reactor (see `reactors`) follows the events for side effects. */
  readonly kind: 'projection' | 'reactor';
  readonly tables: readonly string[];
  /** Where the projection stands; undefined before its first event. */
  readonly position: GlobalPosition | undefined;
  readonly updatedAt: Date | null;
  /** The newest readable event of the store. */
  readonly head: GlobalPosition | undefined;
  /** Events not yet projected; counted up to `lagEventsLimit`, then `lagEventsCapped` is set. */
  readonly lagEvents: number;
  readonly lagEventsCapped: boolean;
  /** Age of the oldest event not yet projected; 0 when caught up. */
  readonly lagSeconds: number;
  /** Some process holds the projector lead (for a reactor: runs it). */
  readonly projectorRunning: boolean;
  readonly rebuildRunning: boolean;
  readonly deadLetters: { readonly total: number; readonly items: readonly DeadLetterRow[] };
}

export interface ProjectionStatusOptions {
  readonly pool: pg.Pool;
  readonly eventStore: EventStore;
  /** Reported first, in this order. */
  readonly projections: readonly Pick<Projection, 'name' | 'tables' | 'streamPrefixes'>[];
  readonly now?: () => Date;
  /** Stop counting lag past this many events. Default 100,000. */
  readonly lagEventsLimit?: number;
  readonly deadLetterLimit?: number;
  /**
   * Reactors to report after the projection: each keeps its checkpoint in
   * `projection_checkpoints` under `name` and runs under the advisory lock `lockKey`.
   */
  readonly reactors?: readonly { readonly name: string; readonly lockKey: number }[];
}

/** Each projection's position, its lag behind the head (events and seconds) and its dead letters; then the reactors asked for. */
export async function projectionStatus(options: ProjectionStatusOptions): Promise<ProjectionStatus[]> {
  const now = options.now?.() ?? new Date();
  const limit = options.lagEventsLimit ?? 100_000;
  const [head, projectorRunning, rebuildRunning] = await Promise.all([
    options.eventStore.headPosition(),
    isLockHeld(options.pool, PROJECTOR_LOCK_KEY),
    isLockHeld(options.pool, REBUILD_LOCK_KEY),
  ]);
  const projections = await Promise.all(
    options.projections.map(async (projection): Promise<ProjectionStatus> => {
      const [checkpoint, deadLetters] = await Promise.all([
        readCheckpoint(options.pool, projection.name),
        listDeadLetters(options.pool, projection.name, options.deadLetterLimit ?? 50),
      ]);
      return {
        name: projection.name,
        kind: 'projection',
        tables: projection.tables.map((table) => table.name),
        position: checkpoint.position,
        updatedAt: checkpoint.updatedAt,
        head,
        ...(await measureLag(options.eventStore, checkpoint.position, head, limit, now, projection.streamPrefixes)),
        projectorRunning,
        rebuildRunning,
        deadLetters,
      };
    }),
  );
  const reactors = await Promise.all(
    (options.reactors ?? []).map(async (reactor): Promise<ProjectionStatus> => {
      const [stored, running] = await Promise.all([
        readCheckpoint(options.pool, reactor.name),
        isLockHeld(options.pool, reactor.lockKey),
      ]);
      return {
        name: reactor.name,
        kind: 'reactor',
        tables: [],
        position: stored.position,
        updatedAt: stored.updatedAt,
        head,
        ...(await measureLag(options.eventStore, stored.position, head, limit, now, ['order-'])),
        projectorRunning: running,
        rebuildRunning: false,
        deadLetters: { total: 0, items: [] },
      };
    }),
  );
  return [...projections, ...reactors];
}

/** Counts the events of these streams after the checkpoint by reading them (positions are not dense in every store). */
async function measureLag(
  store: EventStore,
  position: GlobalPosition | undefined,
  head: GlobalPosition | undefined,
  limit: number,
  now: Date,
  streamPrefixes: readonly string[],
) {
  if (!head || (position && comparePositions(position, head) >= 0))
    return { lagEvents: 0, lagEventsCapped: false, lagSeconds: 0 };
  let after = position;
  let lagEvents = 0;
  let oldest: Date | undefined;
  while (lagEvents < limit) {
    const page = await store.readAll({
      ...(after ? { after } : {}),
      maxCount: Math.min(10_000, limit - lagEvents),
      streamPrefixes: [...streamPrefixes],
    });
    if (page.length === 0) break;
    oldest ??= page[0]!.recordedAt;
    lagEvents += page.length;
    after = page.at(-1)!.position;
  }
  const lagSeconds = oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0;
  return { lagEvents, lagEventsCapped: lagEvents >= limit, lagSeconds };
}

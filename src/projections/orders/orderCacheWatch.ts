import { comparePositions, type GlobalPosition } from '../../eventstore/eventStore.ts';
import type { ChangeFeed } from '../engine/changeFeed.ts';
import { readCheckpoint } from '../engine/checkpoints.ts';
import { ORDERS_PROJECTION } from './projection.ts';
import type { Queryable } from './queries.ts';

/** Whether rows cached so far can still be served, as far as the change feed cannot tell. */
export interface TableWatch {
  /** False until the first look succeeded, and while the feed is behind the checkpoint. */
  trusted(): boolean;
  stop(): void;
}

export interface TableWatchOptions {
  readonly db: Queryable;
  readonly changeFeed: Pick<ChangeFeed, 'currentPosition'>;
  readonly intervalMs: number;
  /** Everything cached must go, and reads in flight must not be kept. */
  readonly onDistrust: () => void;
  readonly onError?: (error: unknown) => void;
}

// The table's identity changes when a rebuild swaps in new tables (`alter table … set schema`);
// line items and timeline move in the same transaction, so the orders table stands for all.
const TABLE_ID_SQL = `select coalesce(to_regclass('public.production_orders')::oid::int8, 0)::text as id`;

/**
 * Two things the change feed does not announce, looked at every `intervalMs` (one small query
 * pair per process, not per read): a rebuild's table switch (orders it did not change get no
 * notice, yet their rows may differ) and a feed that fell behind (a dropped LISTEN connection
 * loses notices until its resync). Either makes the cache distrust what it holds; a stalled feed
 * keeps it from keeping anything until the feed reaches where the checkpoint stood. A failed
 * look distrusts too. Staleness after a switch is bounded by one interval.
 */
export function startTableWatch(options: TableWatchOptions): TableWatch {
  let tableId: string | undefined;
  /** The checkpoint at the previous look: the feed must have reached it by now. */
  let owed: GlobalPosition | undefined;
  let behind = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const feedBehind = (target: GlobalPosition | undefined): boolean => {
    if (!target) return false;
    const current = options.changeFeed.currentPosition();
    return !current || comparePositions(current, target) < 0;
  };

  const look = async (): Promise<void> => {
    try {
      const [table, checkpoint] = await Promise.all([
        options.db.query<{ id: string }>(TABLE_ID_SQL),
        readCheckpoint(options.db, ORDERS_PROJECTION),
      ]);
      const id = table.rows[0]?.id;
      const switched = tableId !== undefined && id !== tableId;
      const stalled = feedBehind(owed);
      if (switched || stalled) options.onDistrust();
      tableId = id;
      behind = stalled;
      owed = checkpoint.position;
    } catch (error) {
      tableId = undefined;
      options.onDistrust();
      options.onError?.(error);
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void look().finally(schedule), options.intervalMs);
    // The watch alone must not keep a process alive.
    timer.unref();
  };
  void look().finally(schedule);

  return {
    trusted: () => tableId !== undefined && !(behind && feedBehind(owed)),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

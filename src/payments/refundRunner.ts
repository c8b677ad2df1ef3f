import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { EventStore, GlobalPosition } from '../eventstore/eventStore.ts';
import { REFUND_REACTOR_LOCK_KEY, whileLeading } from '../db/leadership.ts';
import { ORDER_CATEGORY } from '../domain/order/events.ts';
import type { RefundReactor } from './refundReactor.ts';

/** Events per read at most. */
const BATCH = 500;
/** Its row in `projection_checkpoints` (migration 003); it writes no read-model rows. */
export const REFUND_REACTOR_CHECKPOINT = 'reactor:refunds';

export interface RefundRunnerOptions {
  readonly eventStore: EventStore;
  readonly reactor: RefundReactor;
  /** The read-model database, for the checkpoint. */
  readonly pool: pg.Pool;
  readonly signal: AbortSignal;
  readonly log: { error(details: object, message: string): void };
  /** First wait after a failed refund request; doubles up to a minute. */
  readonly retryDelayMs?: number;
  /**
   * While following live, the least time between two reads of new events (default 500 ms; the
   * PostgreSQL store only, whose short batches tell caught up from behind). A
   * refund waits that much longer at most, and under load the runner reads twice a second
   * instead of once per append batch: it reads every order event to find the few cancels, and
   * each read and checkpoint was a round trip and a commit beside the projector's.
   */
  readonly paceMs?: number;
}

/**
 * The refund reactor as a role: among all processes sharing the database (each server started
 * with PROJECTOR=on offers to run it), one runs it, and another takes over within `leaderRetryMs`
 * when that one stops or dies. If it fails (a dropped connection), it is logged and started
 * again from its checkpoint, rather than left stopped until a restart. Resolves when `signal`
 * aborts.
 */
export function runRefundReactorLed(options: RefundRunnerOptions & { readonly leaderRetryMs?: number }): Promise<void> {
  return whileLeading(
    options.pool.options,
    REFUND_REACTOR_LOCK_KEY,
    options.signal,
    (leading) => runRefundReactor({ ...options, signal: leading }),
    {
      retryMs: options.leaderRetryMs,
      onError: (error) =>
        options.log.error({ err: error }, 'refund reactor failed; it starts again from its checkpoint'),
    },
  );
}

/**
 * Follows the order events from its checkpoint and runs the refund reactor on each. A failure
 * (Stripe down) is retried with backoff and the checkpoint does not move past it, so no refund
 * owed is ever skipped; the reactor's own once-per-order record makes the replays harmless.
 * Resolves when `signal` aborts.
 */
export async function runRefundReactor(options: RefundRunnerOptions): Promise<void> {
  const after = await loadCheckpoint(options.pool);
  const paceMs = options.paceMs ?? 500;
  const pacedStore = options.eventStore.kind === 'postgres';
  const batches = options.eventStore.subscribeToAll({
    streamPrefixes: [`${ORDER_CATEGORY}-`],
    signal: options.signal,
    maxBatchSize: BATCH,
    ...(after ? { after } : {}),
  });
  let readAt = performance.now();
  for await (const batch of batches) {
    for (const event of batch) {
      if (event.type !== 'OrderCanceled') continue;
      let delay = options.retryDelayMs ?? 500;
      for (;;) {
        try {
          await options.reactor.react(event);
          break;
        } catch (error) {
          options.log.error({ err: error, orderStream: event.streamId }, 'refund request failed; retrying');
          if (!(await sleepUnlessAborted(delay, options.signal))) return;
          delay = Math.min(delay * 2, 60_000);
        }
      }
    }
    const last = batch[batch.length - 1];
    // A runner told to stop (its lead lost) leaves the checkpoint to the one that leads now.
    if (last && !options.signal.aborted) await saveCheckpoint(options.pool, last.position);
    // From the PostgreSQL store a full batch means more is waiting (catching up): read on at once.
    // A short one means caught up: let the next events gather, read in one page when asked.
    // EventStoreDB's subscription hands over what it has buffered (a few events), short even
    // while far behind, so it is not paced: catching up would crawl.
    const rest = pacedStore && batch.length < BATCH ? readAt + paceMs - performance.now() : 0;
    if (rest > 0 && !(await sleepUnlessAborted(rest, options.signal))) return;
    readAt = performance.now();
  }
}

/** Where the runner stands; undefined before its first batch. */
export async function loadCheckpoint(pool: pg.Pool): Promise<GlobalPosition | undefined> {
  const { rows } = await pool.query<{ c: string | null; p: string | null }>(
    'select position_commit::text as c, position_prepare::text as p from projection_checkpoints where name = $1',
    [REFUND_REACTOR_CHECKPOINT],
  );
  const row = rows[0];
  return row?.c != null && row.p != null ? { commit: BigInt(row.c), prepare: BigInt(row.p) } : undefined;
}

/** Moves the runner's checkpoint forward to `position`; never back. */
export async function saveCheckpoint(pool: pg.Pool, position: GlobalPosition): Promise<void> {
  await pool.query(
    `insert into projection_checkpoints (name, position_commit, position_prepare, updated_at) values ($1, $2, $3, now())
     on conflict (name) do update set position_commit = excluded.position_commit, position_prepare = excluded.position_prepare, updated_at = now()
     -- Only forward: a runner deposed mid-batch must not move it back behind its successor.
     where projection_checkpoints.position_commit is null
        or (projection_checkpoints.position_commit, projection_checkpoints.position_prepare) < (excluded.position_commit, excluded.position_prepare)`,
    [REFUND_REACTOR_CHECKPOINT, position.commit.toString(), position.prepare.toString()],
  );
}

/** False once aborted while waiting. */
const sleepUnlessAborted = (ms: number, signal: AbortSignal): Promise<boolean> =>
  sleep(ms, true, { signal }).catch(() => false);

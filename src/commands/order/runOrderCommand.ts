import { setTimeout as delay } from 'node:timers/promises';
import { AppError, isAppError } from '../../domain/errors.ts';
import { decide, evolve, orderStreamId, type Order, type OrderCommand, type OrderEvent } from '../../domain/order/index.ts';
import type { EventStore, GlobalPosition } from '../../eventstore/eventStore.ts';
import { toNewEvent } from './eventMapping.ts';
import { idempotentEventId } from './ids.ts';
import { loadOrder, positionAt, stateAt, writtenWithKey } from './orderStream.ts';
import { forget, remember, trustedSnapshot, type OrderStateCache } from '../stateCache.ts';
import type { IdGenerator } from './ports.ts';
import type { StreamQueue } from '../streamQueue.ts';

/** What every order command answers. */
export interface OrderCommandResult {
  readonly orderId: string;
  /** The stream's version after the command (for a repeated key: right after its first application). */
  readonly version: number;
  /** Position of the last event written (repeated key: of the last event it first wrote; nothing to do: of the order's newest event). */
  readonly position: GlobalPosition;
  /** The events written now, or those written the first time for a repeated key; empty when there was nothing to do. */
  readonly events: readonly OrderEvent[];
  /** The order after the command (for a repeated key: as the first application left it). */
  readonly state: Order;
  /** True when the idempotency key had already been applied and nothing was written now. */
  readonly replayed: boolean;
}

export interface RunOptions {
  /** The version the caller last saw; a different one is VERSION_CONFLICT and nothing is written. */
  readonly expectedVersion?: number;
  /** Decide, but write nothing (bulk dry runs). */
  readonly dryRun?: boolean;
}

export interface RunDeps {
  readonly eventStore: EventStore;
  readonly ids: IdGenerator;
  /** This service instance's folds; trusted only for an append at their version (see orderStateCache.ts). */
  readonly cache?: OrderStateCache;
  /** This service instance's per-stream queue, so its own writers do not race each other. */
  readonly queue?: StreamQueue;
}

/** The order as a command is decided on: read from the store, or taken from the cache. */
export interface OrderView {
  readonly orderId: string;
  readonly streamId: string;
  readonly version: number;
  readonly state: Order | null;
}

/** Retries after losing a race when the caller gave no expected version; then the conflict is reported. */
const MAX_ATTEMPTS = 25;

const isVersionConflict = (error: unknown): boolean => isAppError(error) && error.code === 'VERSION_CONFLICT';

function answer(orderId: string, state: Order | null, version: number, events: readonly OrderEvent[], replayed: boolean, position: GlobalPosition | undefined): OrderCommandResult {
  // Only reachable for an order that exists: decide answers NOT_FOUND before any of these.
  if (!state || !position) throw new Error(`Order ${orderId} has no events to answer with`);
  return { orderId, version, position, events, state, replayed };
}

/**
 * Load the order's stream → fold → decide → append at the version read. A keyed command already
 * applied answers as the first time did (checked before the expected version, so a client that
 * retries with its old version gets its first answer, not a conflict). Losing a race to another
 * writer is retried with the same command when the caller named no version; a caller who named
 * one gets VERSION_CONFLICT. `makeCommand` runs per attempt with the order as decided on.
 *
 * An attempt may decide on this instance's cached fold instead of reading. That is safe only
 * because its one accepted outcome is an append at the cached version, which the store refuses if
 * anyone wrote since: every other outcome (a replay, a refusal, nothing to do, a caller's conflict)
 * is answered only after a fresh read, so a stale entry costs a read, never a wrong answer.
 * Unversioned retries use the cache too: a retry that had to read first would keep losing to
 * newcomers that did not. Commands on one order queue per instance (see streamQueue.ts).
 */
export async function runOrderCommand(
  deps: RunDeps,
  orderId: string,
  makeCommand: (view: OrderView) => OrderCommand | Promise<OrderCommand>,
  options: RunOptions & { readonly isNew?: boolean } = {},
): Promise<OrderCommandResult> {
  const streamId = orderStreamId(orderId);
  const attempts = () => attemptUntilDecided(deps, orderId, streamId, makeCommand, options);
  return deps.queue ? deps.queue(streamId, attempts) : attempts();
}

async function attemptUntilDecided(
  deps: RunDeps,
  orderId: string,
  streamId: string,
  makeCommand: (view: OrderView) => OrderCommand | Promise<OrderCommand>,
  options: RunOptions & { readonly isNew?: boolean },
): Promise<OrderCommandResult> {
  let retriedReusedIds = false;
  // Set once the cache led to anything but an append: the answer must then come from the store.
  let readFresh = options.dryRun === true;
  // Counts appends that lost, not reads: a cached fold set aside costs a read, never a retry.
  for (let attempt = 1; ; ) {
    const trusted = readFresh ? undefined : trustedSnapshot(deps.cache, streamId, { ...options, isNew: options.isNew === true && attempt === 1 });
    const loaded = trusted ? undefined : await loadOrder(deps.eventStore, orderId);
    if (loaded) remember(deps.cache, streamId, { state: loaded.state, version: loaded.version, position: positionAt(loaded, loaded.version) });
    const view: OrderView = loaded ?? { orderId, streamId, version: trusted!.version, state: trusted!.state };
    const command = await makeCommand(view);
    const key = command.idempotencyKey;
    if (key !== undefined && view.state?.appliedIdempotencyKeys.has(key)) {
      if (!loaded) {
        // the first answer is in the stream, not in the cache
        readFresh = true;
        continue;
      }
      decide(command, loaded.state); // refuses a stranger (NOT_FOUND); for the owner it is a no-op
      const first = writtenWithKey(loaded, key);
      return answer(orderId, stateAt(loaded, first.version), first.version, first.events, true, positionAt(loaded, first.version));
    }
    // A trusted snapshot is at the caller's version by construction, so this is always a fresh read.
    if (options.expectedVersion !== undefined && options.expectedVersion !== view.version) {
      throw new AppError('VERSION_CONFLICT', `Order ${orderId} is at version ${view.version}, not ${options.expectedVersion}`, {
        orderId,
        expectedVersion: options.expectedVersion,
        actualVersion: view.version,
      });
    }
    let events: readonly OrderEvent[];
    try {
      events = decide(command, view.state);
    } catch (error) {
      if (!loaded) {
        // a refusal may come from a stale fold: answer from the store
        readFresh = true;
        continue;
      }
      throw error;
    }
    if (events.length === 0) {
      if (!loaded) {
        // nothing to do is no append, so nothing would prove the fold current
        readFresh = true;
        continue;
      }
      return answer(orderId, loaded.state, loaded.version, [], false, positionAt(loaded, loaded.version));
    }
    const after = events.reduce(evolve, view.state);
    if (options.dryRun) return answer(orderId, after, view.version + events.length, events, false, (loaded && positionAt(loaded, loaded.version)) ?? { commit: 0n, prepare: 0n });

    const stored = events.map((event, index) => toNewEvent(event, key === undefined ? deps.ids.uuid() : idempotentEventId(streamId, key, index), command.type));
    try {
      const result = await deps.eventStore.appendToStream(streamId, stored, { expectedVersion: view.version });
      // Same ids already stored: a racing copy of this keyed command won; the next read answers as it did.
      if (!result.duplicate) {
        remember(deps.cache, streamId, { state: after, version: result.nextVersion, position: result.position });
        return answer(orderId, after, result.nextVersion, events, false, result.position);
      }
      readFresh = true;
    } catch (error) {
      if (isVersionConflict(error)) forget(deps.cache, streamId, view.version);
      // A caller's version is judged on a read; an unversioned retry may use a fold a winner left.
      if (!(isVersionConflict(error) && options.expectedVersion === undefined)) readFresh = true;
      // A keyed command always looks again: if a racing copy of it won, the caller gets its answer
      // (the replay check comes first), else a caller's stale version still ends in VERSION_CONFLICT.
      // A cached fold that lost is looked at again too: the store, not the cache, answers the caller.
      const retryConflict = isVersionConflict(error) && (options.expectedVersion === undefined || key !== undefined || !loaded);
      // Our name-based ids already stored as other events: a racing copy decided differently. Once.
      const retryReusedIds = key !== undefined && isAppError(error) && error.code === 'BAD_USER_INPUT' && !retriedReusedIds;
      if (!(retryConflict || retryReusedIds) || attempt >= MAX_ATTEMPTS) throw error;
      if (retryReusedIds) retriedReusedIds = true;
    }
    if (attempt >= MAX_ATTEMPTS) throw new AppError('VERSION_CONFLICT', `Order ${orderId} kept changing; try again`, { orderId });
    // A little jitter so writers that collided do not collide again in lockstep.
    await delay(Math.random() * Math.min(attempt, 10));
    attempt += 1;
  }
}

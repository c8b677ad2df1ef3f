import { setTimeout as delay } from 'node:timers/promises';
import { AppError, isAppError } from '../../domain/errors.ts';
import { decide, evolve, type Order, type OrderCommand, type OrderEvent } from '../../domain/order/index.ts';
import type { EventStore, GlobalPosition } from '../eventStore.ts';
import { toNewEvent } from './eventMapping.ts';
import { idempotentEventId } from './ids.ts';
import { loadOrder, positionAt, stateAt, writtenWithKey, type LoadedOrder } from './orderStream.ts';
import type { IdGenerator } from './ports.ts';

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
}

/** Retries after losing a race when the caller gave no expected version; then the conflict is reported. */
const MAX_ATTEMPTS = 25;

const isVersionConflict = (error: unknown): boolean => isAppError(error) && error.code === 'VERSION_CONFLICT';

function answer(loaded: LoadedOrder, state: Order | null, version: number, events: readonly OrderEvent[], replayed: boolean, position = positionAt(loaded, version)): OrderCommandResult {
  // Only reachable for an order that exists: decide answers NOT_FOUND before any of these.
  if (!state || !position) throw new Error(`Order ${loaded.orderId} has no events to answer with`);
  return { orderId: loaded.orderId, version, position, events, state, replayed };
}

/**
 * Load the order's stream → fold → decide → append at the version read. A keyed command already
 * applied answers as the first time did (checked before the expected version, so a client that
 * retries with its old version gets its first answer, not a conflict). Losing a race to another
 * writer is retried with the same command when the caller named no version; a caller who named
 * one gets VERSION_CONFLICT. `makeCommand` runs per attempt with the stream as read.
 */
export async function runOrderCommand(
  deps: RunDeps,
  orderId: string,
  makeCommand: (loaded: LoadedOrder) => OrderCommand | Promise<OrderCommand>,
  options: RunOptions = {},
): Promise<OrderCommandResult> {
  let retriedReusedIds = false;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadOrder(deps.eventStore, orderId);
    const command = await makeCommand(loaded);
    const key = command.idempotencyKey;
    if (key !== undefined && loaded.state?.appliedIdempotencyKeys.has(key)) {
      decide(command, loaded.state); // refuses a stranger (NOT_FOUND); for the owner it is a no-op
      const first = writtenWithKey(loaded, key);
      return answer(loaded, stateAt(loaded, first.version), first.version, first.events, true);
    }
    if (options.expectedVersion !== undefined && options.expectedVersion !== loaded.version) {
      throw new AppError('VERSION_CONFLICT', `Order ${orderId} is at version ${loaded.version}, not ${options.expectedVersion}`, {
        orderId,
        expectedVersion: options.expectedVersion,
        actualVersion: loaded.version,
      });
    }
    const events = decide(command, loaded.state);
    if (events.length === 0) return answer(loaded, loaded.state, loaded.version, [], false);
    const after = events.reduce(evolve, loaded.state);
    if (options.dryRun) return answer(loaded, after, loaded.version + events.length, events, false, positionAt(loaded, loaded.version) ?? { commit: 0n, prepare: 0n });

    const stored = events.map((event, index) => toNewEvent(event, key === undefined ? deps.ids.uuid() : idempotentEventId(loaded.streamId, key, index), command.type));
    try {
      const result = await deps.eventStore.appendToStream(loaded.streamId, stored, { expectedVersion: loaded.version });
      // Same ids already stored: a racing copy of this keyed command won; the next read answers as it did.
      if (!result.duplicate) return answer(loaded, after, result.nextVersion, events, false, result.position);
    } catch (error) {
      // A keyed command always looks again: if a racing copy of it won, the caller gets its answer
      // (the replay check comes first), else a caller's stale version still ends in VERSION_CONFLICT.
      const retryConflict = isVersionConflict(error) && (options.expectedVersion === undefined || key !== undefined);
      // Our name-based ids already stored as other events: a racing copy decided differently. Once.
      const retryReusedIds = key !== undefined && isAppError(error) && error.code === 'BAD_USER_INPUT' && !retriedReusedIds;
      if (!(retryConflict || retryReusedIds) || attempt >= MAX_ATTEMPTS) throw error;
      if (retryReusedIds) retriedReusedIds = true;
    }
    if (attempt >= MAX_ATTEMPTS) throw new AppError('VERSION_CONFLICT', `Order ${orderId} kept changing; try again`, { orderId });
    // A little jitter so writers that collided do not collide again in lockstep.
    await delay(Math.random() * Math.min(attempt, 10));
  }
}

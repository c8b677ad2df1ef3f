import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError, isAppError } from '../domain/errors.ts';
import type { EventStore, GlobalPosition, JsonObject, NewEvent } from '../eventstore/eventStore.ts';
import type { KeyedQueue } from '../shared/keyedQueue.ts';
import { idempotentEventId } from './ids.ts';
import type { Snapshot, StateCache } from './stateCache.ts';
import { answerAt, firstWritten, loadStream, type Loaded, type StreamDecider } from './streamFold.ts';

export type { Decider, StreamDecider } from './streamFold.ts';

/** The command, or how to make it from the stream as it is decided on (once per attempt). */
export type CommandSource<State, Command> = Command | ((view: Snapshot<State>) => Command | Promise<Command>);

export interface HandleCommandOptions<Event, State = unknown> {
  /** The stream version the caller saw. A different one is VERSION_CONFLICT: nothing written, no retry. */
  readonly expectedVersion?: number;
  /**
   * A key already applied to this stream answers as the first time did (`replayed: true`), before
   * the expected version is looked at. Its events get ids named after (stream, key, index), so
   * racing copies collapse into one append.
   */
  readonly idempotencyKey?: string;
  /** Lost races decided again, on the stream as it now is, before VERSION_CONFLICT is reported. Default 24. */
  readonly maxRetries?: number;
  /** Added to every written event's metadata (e.g. the command's type). */
  readonly metadata?: JsonObject;
  /** This process's folds; see {@link StateCache}. */
  readonly cache?: StateCache<State>;
  /**
   * This process's per-stream queue (keyed by stream id): its own writers then never race each
   * other for a stream's next version, each deciding on the fold the previous one left in the
   * cache, and optimistic concurrency settles only races with other processes. Without it, many
   * writers on one hot order all decided on the same cached fold, one won each round, and the
   * rest could lose 25 rounds in a row.
   */
  readonly queue?: KeyedQueue;
  /** Ids of the new events of a command without an idempotency key (default random); a keyed command's are always name-based. */
  readonly eventIds?: (index: number, event: Event) => string;
  /** Decide and answer as if written, writing nothing. */
  readonly dryRun?: boolean;
  /** The stream id was just drawn at random: the first attempt appends at version 0 without reading. */
  readonly streamIsNew?: boolean;
}

export interface HandleCommandResult<State, Event> {
  /** State after the command (replayed: as the first application left it). */
  readonly state: State;
  /** Events written now (replayed: written the first time; nothing to do: none). */
  readonly events: readonly Event[];
  /** Stream version after the command (replayed: right after its first application). */
  readonly nextVersion: number;
  /** Position of the last event written, else of the stream's newest one; undefined for an empty stream. */
  readonly position: GlobalPosition | undefined;
  readonly replayed: boolean;
}

const DEFAULT_MAX_RETRIES = 24;

const isVersionConflict = (error: unknown): boolean => isAppError(error) && error.code === 'VERSION_CONFLICT';

/**
 * The one command handler: load the stream → fold → decide → append at the version read.
 *
 * One retry rule: an append that loses a race (VERSION_CONFLICT) is decided again on the stream as
 * it now is, at most `maxRetries` times, when the caller named no version; a caller who named one
 * is told VERSION_CONFLICT (unless a keyed retry finds its first answer). A keyed command whose
 * ids are already stored as other events (a racing copy decided differently) is tried once more.
 * Everything else (a refusal, nothing to do) is the answer.
 *
 * With a cache, an attempt may decide on this process's fold instead of reading. That is safe only
 * because its one accepted outcome is an append at the cached version, which the store refuses if
 * anyone wrote since: every other outcome (a replay, a refusal, nothing to do, a caller's version
 * that is not the cached one) is answered only after a fresh read. A cached fold set aside costs a
 * read, never a retry. With a queue, commands on one stream run one at a time in this process.
 */
export async function handleCommand<State, Command, Event extends { readonly type: string }>(
  store: EventStore,
  streamId: string,
  decider: StreamDecider<State, Command, Event>,
  command: CommandSource<State, Command>,
  options: HandleCommandOptions<Event, State> = {},
): Promise<HandleCommandResult<State, Event>> {
  const attempts = () => decideUntilDone(store, streamId, decider, command, options);
  return options.queue ? options.queue.run(streamId, attempts) : attempts();
}

async function decideUntilDone<State, Command, Event extends { readonly type: string }>(
  store: EventStore,
  streamId: string,
  decider: StreamDecider<State, Command, Event>,
  source: CommandSource<State, Command>,
  options: HandleCommandOptions<Event, State>,
): Promise<HandleCommandResult<State, Event>> {
  const { expectedVersion, idempotencyKey: key, cache } = options;
  const maxAttempts = (options.maxRetries ?? DEFAULT_MAX_RETRIES) + 1;
  const metadata = { ...options.metadata, ...(key !== undefined && !decider.keyOf ? { idempotencyKey: key } : {}) };
  // Without appliedKeys a cached fold cannot tell whether a key was applied: keyed commands read.
  let readFresh = options.dryRun === true || (key !== undefined && !decider.appliedKeys);
  let retriedReusedIds = false;
  // Counts appends that lost, not reads.
  for (let attempt = 1; ;) {
    const trusted = readFresh
      ? undefined
      : trustedSnapshot(decider, cache, streamId, expectedVersion, options.streamIsNew === true && attempt === 1);
    const loaded = trusted ? undefined : await loadStream(store, streamId, decider);
    if (loaded) cache?.remember(streamId, loaded);
    const view: Snapshot<State> = loaded ?? trusted!;
    const command =
      typeof source === 'function'
        ? await (source as (view: Snapshot<State>) => Command | Promise<Command>)(view)
        : source;

    if (key !== undefined && isApplied(decider, view, loaded, key)) {
      if (!loaded) {
        readFresh = true; // the first answer is in the stream, not in the cache
        continue;
      }
      decider.decide(command, loaded.state); // its refusal stands (a stranger learns nothing); its events are not written again
      return replayOf(loaded, decider, key);
    }
    // A trusted snapshot is at the caller's version by construction, so this is always a fresh read.
    if (expectedVersion !== undefined && expectedVersion !== view.version) {
      const subject = decider.describe ? decider.describe(streamId) : `Stream ${streamId}`;
      throw new AppError('VERSION_CONFLICT', `${subject} is at version ${view.version}, not ${expectedVersion}`, {
        streamId,
        expectedVersion,
        actualVersion: view.version,
      });
    }
    let events: readonly Event[];
    try {
      events = decider.decide(command, view.state);
    } catch (error) {
      if (loaded) throw error;
      readFresh = true; // a refusal may come from a stale fold: answer from the store
      continue;
    }
    if (events.length === 0) {
      if (loaded)
        return { state: loaded.state, events, nextVersion: loaded.version, position: loaded.position, replayed: false };
      readFresh = true; // nothing to do is no append, so nothing would prove the fold current
      continue;
    }
    const state = events.reduce((s, e) => decider.evolve(s, e), view.state);
    if (options.dryRun)
      return { state, events, nextVersion: view.version + events.length, position: view.position, replayed: false };

    const stored = events.map((event, index): NewEvent => {
      const { type, ...data } = event;
      return {
        id:
          key !== undefined
            ? idempotentEventId(streamId, key, index)
            : options.eventIds
              ? options.eventIds(index, event)
              : randomUUID(),
        type,
        data,
        metadata,
      };
    });
    try {
      const result = await store.appendToStream(streamId, stored, { expectedVersion: view.version });
      if (result.duplicate) return await repeatOf(store, streamId, decider, key, events, result);
      cache?.remember(streamId, { state, version: result.nextVersion, position: result.position });
      return { state, events, nextVersion: result.nextVersion, position: result.position, replayed: false };
    } catch (error) {
      const conflict = isVersionConflict(error);
      if (conflict) cache?.forget(streamId, view.version);
      // A caller's version is judged on a read; an unversioned retry may use a fold a winner left.
      if (!(conflict && expectedVersion === undefined)) readFresh = true;
      // A keyed command always looks again: if a racing copy of it won, the caller gets its answer
      // (the replay check comes first), else a caller's stale version still ends in VERSION_CONFLICT.
      // A cached fold that lost is looked at again too: the store, not the cache, answers the caller.
      const retryConflict = conflict && (expectedVersion === undefined || key !== undefined || !loaded);
      const retryReusedIds =
        key !== undefined && isAppError(error) && error.code === 'BAD_USER_INPUT' && !retriedReusedIds;
      if (!(retryConflict || retryReusedIds) || attempt >= maxAttempts) throw error;
      if (retryReusedIds) retriedReusedIds = true;
    }
    // A little jitter so writers that collided do not collide again in lockstep.
    await delay(Math.random() * Math.min(attempt, 10));
    attempt += 1;
  }
}

/**
 * The fold a first attempt may decide on without reading, or undefined to read. A caller's
 * expected version that is not the entry's is never answered from the cache: another process may
 * have brought the stream to exactly that version.
 */
function trustedSnapshot<State, Command, Event extends { readonly type: string }>(
  decider: StreamDecider<State, Command, Event>,
  cache: StateCache<State> | undefined,
  streamId: string,
  expectedVersion: number | undefined,
  streamIsNew: boolean,
): Snapshot<State> | undefined {
  const snapshot = streamIsNew
    ? { state: decider.initialState(), version: 0, position: undefined }
    : cache?.get(streamId);
  if (!snapshot) return undefined;
  return expectedVersion === undefined || expectedVersion === snapshot.version ? snapshot : undefined;
}

function isApplied<State, Command, Event extends { readonly type: string }>(
  decider: StreamDecider<State, Command, Event>,
  view: Snapshot<State>,
  loaded: Loaded<State, Event> | undefined,
  key: string,
): boolean {
  if (decider.appliedKeys) return decider.appliedKeys(view.state).has(key);
  return loaded !== undefined && firstWritten(loaded, decider, key) !== undefined;
}

/** A key applied before: the events it wrote, and the stream as it was right after them. */
function replayOf<State, Command, Event extends { readonly type: string }>(
  loaded: Loaded<State, Event>,
  decider: StreamDecider<State, Command, Event>,
  key: string,
): HandleCommandResult<State, Event> {
  const first = firstWritten(loaded, decider, key)!;
  return { ...answerAt(loaded, decider, first.version), events: first.events, replayed: true };
}

/** These event ids were stored already: a racing copy of this command won, so answer as it did. */
async function repeatOf<State, Command, Event extends { readonly type: string }>(
  store: EventStore,
  streamId: string,
  decider: StreamDecider<State, Command, Event>,
  key: string | undefined,
  events: readonly Event[],
  result: { readonly nextVersion: number; readonly position: GlobalPosition },
): Promise<HandleCommandResult<State, Event>> {
  const fresh = await loadStream(store, streamId, decider);
  if (key !== undefined && firstWritten(fresh, decider, key)) return replayOf(fresh, decider, key);
  return {
    state: answerAt(fresh, decider, result.nextVersion).state,
    events,
    nextVersion: result.nextVersion,
    position: result.position,
    replayed: true,
  };
}

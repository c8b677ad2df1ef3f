import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../domain/errors.ts';
import type { EventStore, GlobalPosition, JsonObject, NewEvent, RecordedEvent } from '../eventstore/eventStore.ts';
import { nameBasedUuid } from './ids.ts';

/** Emmett's decider: pure decisions over a fold of the stream. `decide` may throw an AppError. */
export interface Decider<State, Command, Event extends { readonly type: string }> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface HandleCommandOptions<Event, State = unknown> {
  /** The stream version the caller saw. A different one is VERSION_CONFLICT: nothing written, no retry. */
  readonly expectedVersion?: number;
  /**
   * Idempotency hook: a key already applied to this stream answers as the first time did
   * (`replayed: true`), before the expected version is looked at. Its events get ids named after
   * (stream, key, index), so two racing copies collapse into one append.
   */
  readonly idempotencyKey?: string;
  /** Ids of new events; default: random (or name-based with an idempotency key). */
  readonly eventIds?: (index: number, event: Event) => string;
  /** Lost races re-decided on a fresh read when the caller gave no expected version. Default 10. */
  readonly maxRetries?: number;
  /** Added to every written event's metadata (e.g. correlation ids). */
  readonly metadata?: JsonObject;
  /** Optional in-process fold cache; see {@link StateCache}. */
  readonly cache?: StateCache<State>;
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

/** Rows keep `type` apart from the rest of the event; the event comes back as `{ ...data, type }`. */
export const encodeEvent = <Event extends { readonly type: string }>(event: Event, id: string, metadata: JsonObject): NewEvent => {
  const { type, ...data } = event;
  return { id, type, data, metadata };
};
export const decodeEvent = <Event>(recorded: RecordedEvent): Event => ({ ...recorded.data, type: recorded.type }) as Event;

interface Loaded<State> {
  readonly state: State;
  readonly version: number;
  readonly position: GlobalPosition | undefined;
  readonly recorded?: readonly RecordedEvent[];
}

/**
 * Load → fold → decide → append at the version read (or the caller's). Only a version conflict
 * with no caller version is retried, on a fresh read; everything else is the answer.
 */
export async function handleCommand<State, Command, Event extends { readonly type: string }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  options: HandleCommandOptions<Event, State> = {},
): Promise<HandleCommandResult<State, Event>> {
  const { expectedVersion, idempotencyKey, maxRetries = 10, cache } = options;
  for (let attempt = 0; ; attempt += 1) {
    // A cached fold is only trusted for an append at its version: any other outcome is re-decided fresh.
    const cached = idempotencyKey === undefined && attempt === 0 ? cache?.get(streamId) : undefined;
    const usable = cached && (expectedVersion === undefined || expectedVersion === cached.version) ? cached : undefined;
    const loaded: Loaded<State> = usable ?? (await load(store, streamId, decider));

    if (idempotencyKey !== undefined) {
      const replay = replayOf(loaded, decider, idempotencyKey);
      if (replay) return replay;
    }
    if (expectedVersion !== undefined && expectedVersion !== loaded.version) {
      throw new AppError('VERSION_CONFLICT', `Stream ${streamId} is at version ${loaded.version}, not ${expectedVersion}`, {
        streamId,
        expectedVersion,
        actualVersion: loaded.version,
      });
    }
    let events: readonly Event[];
    try {
      events = decider.decide(command, loaded.state);
    } catch (error) {
      if (usable) continue;
      throw error;
    }
    if (events.length === 0) {
      if (usable) continue;
      return { state: loaded.state, events, nextVersion: loaded.version, position: loaded.position, replayed: false };
    }
    const state = events.reduce((s, e) => decider.evolve(s, e), loaded.state);
    const metadata = { ...options.metadata, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) };
    const newEvents = events.map((event, index) => encodeEvent(event, eventId(streamId, index, event, options), metadata));
    try {
      const result = await store.appendToStream(streamId, newEvents, { expectedVersion: loaded.version });
      if (result.duplicate) return await answerRepeat(store, streamId, decider, idempotencyKey, events, result.nextVersion, result.position);
      cache?.set(streamId, { state, version: result.nextVersion, position: result.position });
      return { state, events, nextVersion: result.nextVersion, position: result.position, replayed: false };
    } catch (error) {
      if (!(isAppError(error) && error.code === 'VERSION_CONFLICT')) throw error;
      cache?.delete(streamId);
      // The caller's version was the one read, so it is stale now; unless a keyed retry may find its first answer.
      const retry = usable !== undefined || expectedVersion === undefined || idempotencyKey !== undefined;
      if (!retry || attempt >= maxRetries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt + 1, 10)));
    }
  }
}

async function load<State, Command, Event extends { readonly type: string }>(store: EventStore, streamId: string, decider: Decider<State, Command, Event>): Promise<Loaded<State>> {
  const { version, events } = await store.readStream(streamId);
  const state = events.reduce((s, recorded) => decider.evolve(s, decodeEvent<Event>(recorded)), decider.initialState());
  return { state, version, position: events.at(-1)?.position, recorded: events };
}

/** These event ids were stored already (a racing copy won): answer as that copy did. */
async function answerRepeat<State, Command, Event extends { readonly type: string }>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  idempotencyKey: string | undefined,
  events: readonly Event[],
  nextVersion: number,
  position: GlobalPosition,
): Promise<HandleCommandResult<State, Event>> {
  const fresh = await load(store, streamId, decider);
  const replay = idempotencyKey === undefined ? undefined : replayOf(fresh, decider, idempotencyKey);
  if (replay) return replay;
  const upTo = (fresh.recorded ?? []).filter((e) => e.streamVersion <= nextVersion).map((e) => decodeEvent<Event>(e));
  return { state: upTo.reduce((s, e) => decider.evolve(s, e), decider.initialState()), events, nextVersion, position, replayed: true };
}

function replayOf<State, Command, Event extends { readonly type: string }>(
  loaded: Loaded<State>,
  decider: Decider<State, Command, Event>,
  idempotencyKey: string,
): HandleCommandResult<State, Event> | undefined {
  const recorded = loaded.recorded ?? [];
  const first = recorded.filter((e) => e.metadata.idempotencyKey === idempotencyKey);
  const last = first.at(-1);
  if (!last) return undefined;
  const before = recorded.filter((e) => e.streamVersion <= last.streamVersion).map((e) => decodeEvent<Event>(e));
  return {
    state: before.reduce((s, e) => decider.evolve(s, e), decider.initialState()),
    events: first.map((e) => decodeEvent<Event>(e)),
    nextVersion: last.streamVersion,
    position: last.position,
    replayed: true,
  };
}

function eventId<Event, State>(streamId: string, index: number, event: Event, options: HandleCommandOptions<Event, State>): string {
  if (options.eventIds) return options.eventIds(index, event);
  if (options.idempotencyKey === undefined) return randomUUID();
  return nameBasedUuid([streamId, options.idempotencyKey, String(index)]);
}

/**
 * An in-process LRU of folded streams. Correct across processes because it is only ever trusted
 * for an append at the cached version, which the store refuses when another process wrote since:
 * a stale entry costs one retry, never a wrong answer.
 */
export class StateCache<State> {
  readonly #entries = new Map<string, Loaded<State>>();
  constructor(private readonly maxEntries = 10_000) {}

  get(streamId: string): Loaded<State> | undefined {
    const entry = this.#entries.get(streamId);
    if (entry) {
      this.#entries.delete(streamId);
      this.#entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, entry: Loaded<State>): void {
    this.#entries.delete(streamId);
    this.#entries.set(streamId, entry);
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  delete(streamId: string): void {
    this.#entries.delete(streamId);
  }
}

import type { EventStore, GlobalPosition, RecordedEvent } from '../eventstore/eventStore.ts';
import type { Snapshot } from './stateCache.ts';

/** Emmett's decider: pure decisions over a fold of the stream. `decide` may throw an AppError. */
export interface Decider<State, Command, Event extends { readonly type: string }> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** A decider and how its stream is stored, for the command handler. */
export interface StreamDecider<State, Command, Event extends { readonly type: string }> extends Decider<
  State,
  Command,
  Event
> {
  /** The domain event of a stored one; null for a type this version does not know (left out of the fold). Default `{ ...data, type }`. */
  readonly decode?: (recorded: RecordedEvent) => Event | null;
  /**
   * The idempotency key an event was written under, when the events carry it themselves. Without
   * it the handler keeps the key in each event's metadata and reads it from there.
   */
  readonly keyOf?: (event: Event) => string | undefined;
  /** The keys a fold has applied, when the state keeps them: a keyed command may then decide on a cached fold. */
  readonly appliedKeys?: (state: State) => ReadonlySet<string>;
  /** How an error message names the stream to a caller (e.g. `Order <uuid>`). Default `Stream <id>`. */
  readonly describe?: (streamId: string) => string;
}

/** A stream as read: the fold, and each stored event beside its domain form. */
export interface Loaded<State, Event> extends Snapshot<State> {
  readonly recorded: readonly RecordedEvent[];
  readonly events: readonly (Event | null)[];
}

const storedForm = <Event>(recorded: RecordedEvent): Event => ({ ...recorded.data, type: recorded.type }) as Event;

export async function loadStream<State, Command, Event extends { readonly type: string }>(
  store: EventStore,
  streamId: string,
  decider: StreamDecider<State, Command, Event>,
): Promise<Loaded<State, Event>> {
  const { version, events: recorded } = await store.readStream(streamId);
  const events = recorded.map(decider.decode ?? storedForm<Event>);
  let state = decider.initialState();
  for (const event of events) if (event) state = decider.evolve(state, event);
  return { state, version, position: recorded.at(-1)?.position, recorded, events };
}

/** The stream as it was right after `version`, and the position of its newest event then. */
export function answerAt<State, Command, Event extends { readonly type: string }>(
  loaded: Loaded<State, Event>,
  decider: StreamDecider<State, Command, Event>,
  version: number,
): { readonly state: State; readonly nextVersion: number; readonly position: GlobalPosition | undefined } {
  let state = decider.initialState();
  let position: GlobalPosition | undefined;
  loaded.events.forEach((event, index) => {
    const recorded = loaded.recorded[index]!;
    if (recorded.streamVersion > version) return;
    position = recorded.position;
    if (event) state = decider.evolve(state, event);
  });
  return { state, nextVersion: version, position };
}

/** The events a keyed command wrote, with the version right after the last of them; undefined if none. */
export function firstWritten<State, Command, Event extends { readonly type: string }>(
  loaded: Loaded<State, Event>,
  decider: StreamDecider<State, Command, Event>,
  key: string,
): { readonly events: Event[]; readonly version: number } | undefined {
  const events: Event[] = [];
  let version = 0;
  loaded.events.forEach((event, index) => {
    const recorded = loaded.recorded[index]!;
    const keyOfEvent = decider.keyOf ? event && decider.keyOf(event) : recorded.metadata.idempotencyKey;
    if (!event || keyOfEvent !== key) return;
    events.push(event);
    version = Math.max(version, recorded.streamVersion);
  });
  return events.length > 0 ? { events, version } : undefined;
}

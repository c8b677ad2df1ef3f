import type pg from 'pg';
import type { RecordedEvent } from '../../eventstore/eventStore.ts';
import type { DeadLetter } from './deadLetters.ts';
import type { ReadTable } from './table.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * A read model the engine runs: the live projector, the rebuild, status, dead letters,
 * checkpoints and change notices know a projection only through this. Two fast paths are part of
 * it rather than hidden behind it: a live batch is one message to the server (the projection
 * hands over the statements it adds to the engine's transaction), and a rebuild COPYs its rows
 * (the projection hands over COPY lines, encoded by its tables' definitions).
 */
export interface Projection<Summary = unknown> {
  /** Its checkpoint and dead letters are kept under this name (`[a-z0-9_@-]+`). */
  readonly name: string;
  /** The read tables it alone writes (made by migrations); a rebuild builds these beside the live ones and switches them. */
  readonly tables: readonly ReadTable[];
  /** The streams it reads (`order-`): the engine asks the store for these only. */
  readonly streamPrefixes: readonly string[];
  /** Events of other types are not handed to it (and never dead-lettered by it). */
  canHandle(eventType: string): boolean;
  /** The live side, made once per subscription of the projector: it may keep what it committed between batches. */
  live(): LiveProjection<Summary>;
  /** One rebuild's side. */
  rebuild(): RebuildProjection;
  /**
   * A select of the ids (`id`) of what changed after a position (`$1` its commit, `$2` its
   * prepare part), with `position_commit` and `position_prepare` to order by, for the change
   * feed to tell after notices were lost, and for a rebuild's switch; omitted: it tells none.
   */
  readonly changedAfter?: string;
}

/** What a live batch of one projection adds to the engine's transaction. */
export interface LiveWrites<Summary = unknown> {
  /** Statements run in order inside the batch's transaction (values inlined with `sqlLiteral`; see `prepareOnce`). */
  readonly statements: readonly string[];
  /** Events it could not apply: the engine records them with the batch. */
  readonly deadLetters: readonly DeadLetter[];
  /** What changed (ids the change notices carry; an order id for the orders projection). */
  readonly changedIds: readonly string[];
  /**
   * A statement that reads the changed rows back after the writes, inside the transaction (the
   * local change feed hands them to its subscribers), and how to key its rows. Only asked for
   * on the live tables.
   */
  readonly readBack?: { readonly statement: string; idOf(row: Summary): string };
  /** Called once the transaction committed (keep what was committed). */
  committed(): void;
}

export interface LiveProjection<Summary = unknown> {
  /**
   * Folds a batch (events after this projection's checkpoint that it can handle) onto what it
   * reads through `client`, before the engine's transaction begins: if anyone else wrote those rows
   * since, the checkpoint moved too and the engine's transaction refuses the batch. `rejected`:
   * events the database refused before; it skips them (they are dead-lettered for it) but moves
   * past them. `readBack`: the engine will want `LiveWrites.readBack`.
   */
  fold(
    client: pg.ClientBase,
    schema: string,
    events: readonly RecordedEvent[],
    rejected: ReadonlySet<RecordedEvent>,
    readBack: boolean,
  ): Promise<LiveWrites<Summary>>;
  /** Forget what it kept between batches: the next fold reads from the rows. */
  forget(): void;
}

/** Where a rebuild's bulk load sends a table's rows: COPY text lines (`ReadTable.copyLine`). */
export interface RowSink {
  add(line: string): void;
}

export interface RebuildProjection {
  /**
   * The bulk load, into empty unindexed tables: folds a page strictly (an event it cannot apply
   * throws `RebuildStoppedError`), sending rows of its `streamed` tables to their sinks at once.
   * `sinks(table)` is given once, before the first page.
   */
  bulk(page: readonly RecordedEvent[], sinks: (table: string) => RowSink): void;
  /**
   * After the last page: the rows of a `final` table, each in its final state; for a `streamed`
   * table, the rows it held back because they could still change (written after the others).
   */
  finalLines(table: string): Iterable<string>;
  /** Entities held in memory by the bulk load (the engine ends it early past its limit). */
  readonly held: number;
  /** Drop what is held: from here on `apply` reads rows back from the tables. */
  forget(): void;
  /** Applies a page strictly onto the (indexed) tables of `schema` (catch-up and switch). */
  apply(db: Queryable, schema: string, page: readonly RecordedEvent[]): Promise<void>;
  /**
   * A row of one of its tables the database refused in the bulk load (its fields as sent, COPY
   * text): the event it came from, when the row names one; the rebuild then stops at that event.
   */
  blame?(
    table: string,
    fields: readonly string[],
  ): { readonly streamId: string; readonly version: number; readonly eventId: string } | undefined;
}

/** A rebuild met an event it cannot apply: it stops, and the live tables stay as they are. */
export class RebuildStoppedError extends Error {
  override readonly name = 'RebuildStoppedError';
  constructor(
    readonly event: RecordedEvent,
    cause: unknown,
  ) {
    super(
      `Rebuild stopped at ${event.type} ${event.id} (v${event.streamVersion} of ${event.streamId}): ${(cause as Error).message}`,
      { cause },
    );
  }
}

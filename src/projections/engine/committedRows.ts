/**
 * What one live projection last committed, by key (an order's row, an order's figures state), so
 * its next batch folds onto them without reading them back.
 *
 * Valid only while this projection alone writes those rows from the checkpoint it holds: the
 * engine makes a new live side per subscription, and a batch that finds the checkpoint moved (a
 * rebuild's switch, another leader) fails before anything is remembered. Remember only what a
 * transaction committed (`LiveWrites.committed`); `clear` when the rows may have changed beneath
 * (`LiveProjection.forget`). Bounded: emptied at once when it grows past `maxSize`, which costs
 * one batch's reads, never a wrong row.
 *
 * Not the command side's `StateCache` (`src/commands/stateCache.ts`): that one is a guess any
 * process may hold, checked by the append's expected version; this one is the truth for as long
 * as its projector holds the checkpoint.
 */
export class CommittedRows<Row> {
  readonly #rows = new Map<string, Row>();

  constructor(private readonly maxSize = 20_000) {
    if (!Number.isSafeInteger(maxSize) || maxSize < 1)
      throw new Error(`A committed-rows cache holds 1 or more rows, not ${maxSize}`);
  }

  /** The rows at hand, for a reader that takes a map. */
  get rows(): ReadonlyMap<string, Row> {
    return this.#rows;
  }

  get(key: string): Row | undefined {
    return this.#rows.get(key);
  }

  /** Keeps what a transaction just committed; empties the cache when that takes it past its size. */
  remember(rows: Iterable<readonly [string, Row]>): void {
    for (const [key, row] of rows) this.#rows.set(key, row);
    if (this.#rows.size > this.maxSize) this.#rows.clear();
  }

  clear(): void {
    this.#rows.clear();
  }
}

/** An event as `rowsToRead` sees it: the key of the row it changes (none: not this projection's) and its stream version. */
export interface KeyedEvent {
  readonly key: string | undefined;
  readonly version: number;
}

/**
 * Which rows a batch folds onto: those at hand in `known`, and the keys to read from the tables.
 * A key whose first event in the batch opens its stream (version 1) has nothing stored yet, so
 * it is neither: a tenth of the commands a shop sends create an order, and each such batch cost
 * every projection a round trip before its transaction.
 */
export function rowsToRead<Row>(
  events: Iterable<KeyedEvent>,
  known: ReadonlyMap<string, Row> | undefined,
): { readonly found: Map<string, Row>; readonly missing: string[] } {
  const found = new Map<string, Row>();
  const seen = new Set<string>();
  const missing: string[] = [];
  for (const { key, version } of events) {
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    const row = known?.get(key);
    if (row !== undefined) found.set(key, row);
    else if (version !== 1) missing.push(key);
  }
  return { found, missing };
}

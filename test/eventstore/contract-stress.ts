import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { comparePositions, type RecordedEvent } from '../../src/eventstore/eventStore.ts';
import type { EventStoreContractSubject } from './contract.ts';
import { collect, newEvents, readEverything, sleep, uniquePrefix, waitFor } from './support.ts';

const TOTAL_EVENTS = 100_000;
const WRITERS = 24;
const STREAMS_PER_WRITER = 40;

interface Ledger {
  /** Ids of events whose append succeeded: each must be delivered exactly once. */
  readonly committed: Set<string>;
  /** Ids of events whose append failed or was rolled back: none may ever be delivered. */
  readonly refused: Set<string>;
}

/**
 * Many writers, random delays, conflicting and rolled-back appends, 100,000 events; two live
 * subscribers (one from the start, one joining mid-way) and a paging reader must each see every
 * committed event exactly once, in one order, with stream versions in sequence.
 */
export function describeStressContract(subject: () => EventStoreContractSubject): void {
  describe('under concurrent load', () => {
    it(
      'delivers 100,000 events from concurrent writers to every reader with 0 missing and 0 duplicated',
      { timeout: 120_000 },
      async () => {
        const { store, slowAppend } = subject();
        const prefix = uniquePrefix();
        const ledger: Ledger = { committed: new Set(), refused: new Set() };
        const early = collect(store, { streamPrefixes: [prefix], maxBatchSize: 1000 });
        let late: ReturnType<typeof collect> | undefined;
        let written = 0;

        const writer = async (w: number): Promise<void> => {
          const versions = new Array<number>(STREAMS_PER_WRITER).fill(0);
          while (written < TOTAL_EVENTS) {
            const s = randomInt(STREAMS_PER_WRITER);
            const streamId = `${prefix}w${w}-${s}`;
            const events = newEvents(randomInt(1, 11), 'Stressed', { w, s });
            const dice = randomInt(100);
            if (dice < 3 && slowAppend) {
              // Held open then committed or rolled back, on a stream of its own so exact versions elsewhere stay known.
              const rollback = dice === 0;
              await slowAppend(`${prefix}slow${w}-${randomInt(4)}`, events, { holdMs: randomInt(1, 15), rollback });
              for (const e of events) (rollback ? ledger.refused : ledger.committed).add(e.id);
              if (!rollback) written += events.length;
              continue;
            }
            if (dice < 8) {
              const stale = Math.max(0, versions[s]! - 1 - randomInt(3));
              const wrong = dice % 2 === 0 && versions[s]! > 0 ? stale : versions[s]! + 1 + randomInt(3);
              await expect(store.appendToStream(streamId, events, { expectedVersion: wrong })).rejects.toMatchObject({
                code: 'VERSION_CONFLICT',
              });
              for (const e of events) ledger.refused.add(e.id);
              continue;
            }
            if (dice < 20) await sleep(randomInt(3));
            const result = await store.appendToStream(streamId, events, { expectedVersion: versions[s]! });
            versions[s] = result.nextVersion;
            for (const e of events) ledger.committed.add(e.id);
            written += events.length;
            if (!late && written > TOTAL_EVENTS / 2)
              late = collect(store, { streamPrefixes: [prefix], maxBatchSize: 500 });
          }
        };

        try {
          await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
          const expected = ledger.committed.size;
          for (const reader of [early, late!]) {
            await waitFor(
              () => reader.events.length >= expected || reader.failure !== undefined,
              () => `delivered ${reader.events.length}/${expected}`,
              60_000,
            );
            expect(reader.failure).toBeUndefined();
          }
          const paged = await readEverything(store, [prefix], 5000);
          for (const delivered of [early.events, late!.events, paged]) expectExactlyOnce(delivered, ledger);
          expect(late!.events.map((e) => e.id)).toEqual(early.events.map((e) => e.id));
          expect(paged.map((e) => e.id)).toEqual(early.events.map((e) => e.id));
        } finally {
          await early.stop();
          await late?.stop();
        }
      },
    );
  });
}

function expectExactlyOnce(delivered: readonly RecordedEvent[], ledger: Ledger): void {
  const seen = new Set<string>();
  let duplicated = 0;
  let refused = 0;
  const lastVersion = new Map<string, number>();
  let outOfOrder = 0;
  for (let i = 0; i < delivered.length; i += 1) {
    const event = delivered[i]!;
    if (seen.has(event.id)) duplicated += 1;
    seen.add(event.id);
    if (ledger.refused.has(event.id)) refused += 1;
    if (i > 0 && comparePositions(delivered[i - 1]!.position, event.position) >= 0) outOfOrder += 1;
    if (event.streamVersion !== (lastVersion.get(event.streamId) ?? 0) + 1) outOfOrder += 1;
    lastVersion.set(event.streamId, event.streamVersion);
  }
  const missing = [...ledger.committed].filter((id) => !seen.has(id)).length;
  expect({ missing, duplicated, refused, outOfOrder }).toEqual({
    missing: 0,
    duplicated: 0,
    refused: 0,
    outOfOrder: 0,
  });
}

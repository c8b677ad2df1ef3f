import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createOrderCache,
  rebuildProjections,
  startChangeFeed,
  type ChangeFeedHandle,
  type OrderCache,
} from '../../../src/projections/index.ts';
import { readModelSuite } from '../support.ts';

const operator = { type: 'operator', id: randomUUID() } as const;

describe('the order cache on a real read model', () => {
  const fx = readModelSuite({ projector: true });
  /** Another process's view: its own LISTEN connection, no projector. */
  let otherFeed: ChangeFeedHandle;
  let here: OrderCache;
  let there: OrderCache;

  beforeAll(async () => {
    otherFeed = await startChangeFeed({ pool: fx.db.pool });
    here = createOrderCache({ db: fx.db.pool, changeFeed: fx.readModel.changeFeed, watchIntervalMs: 100 });
    there = createOrderCache({ db: fx.db.pool, changeFeed: otherFeed, watchIntervalMs: 100 });
  });
  afterAll(async () => {
    here.close();
    there.close();
    await otherFeed.close();
  });

  async function newOrder(notes: string): Promise<string> {
    const customer = { type: 'customer', id: randomUUID() } as const;
    const { orderId } = await fx.commands.createOrder(
      {
        garmentId: 'classic-tee',
        designUrl: 'https://cdn.example.com/cat.png',
        sizes: [{ size: 'M', quantity: 2 }],
        priority: 'standard',
        notes,
      },
      { actor: customer },
    );
    await fx.caughtUp();
    return orderId;
  }

  it('shows every write to a read that waited for it, in the projecting process and in one that hears over LISTEN, while other reads race the changes', async () => {
    const id = await newOrder('note 0');
    // Fill both caches once the watch has looked at the tables, so the rest is served from memory.
    await vi.waitFor(async () => {
      await Promise.all([here.find(id), there.find(id)]);
      const [a, b] = [here.stats(), there.stats()];
      await Promise.all([here.find(id), there.find(id)]);
      expect([here.stats().hits - a.hits, there.stats().hits - b.hits]).toEqual([1, 1]);
    });
    let racing = true;
    const racers = [here, there].map(async (cache) => {
      // A hit resolves at once: yield to I/O each time, or the loop would starve the event loop.
      while (racing) await Promise.all([cache.find(id), new Promise((resolve) => setImmediate(resolve))]);
    });
    try {
      for (let n = 1; n <= 15; n += 1) {
        await fx.commands.updateNotes(id, { notes: `note ${n}` }, { actor: operator });
        const { position } = await fx.commands.load(id);
        for (const [feed, cache] of [
          [fx.readModel.changeFeed, here],
          [otherFeed, there],
        ] as const) {
          expect(await feed.waitForPosition(position!, { timeoutMs: 10_000 })).toBe(true);
          expect((await cache.find(id))?.notes).toBe(`note ${n}`);
        }
      }
    } finally {
      racing = false;
      await Promise.all(racers);
    }
    // Quiet again: the last write stays cached and is what both answer.
    const hits = here.stats().hits;
    expect((await here.find(id))?.notes).toBe('note 15');
    expect((await there.find(id))?.notes).toBe('note 15');
    expect(here.stats().hits).toBeGreaterThan(hits);
  });

  it(
    'after a rebuild switches tables, does not serve rows from before the switch that the rebuild changed without announcing',
    { timeout: 60_000 },
    async () => {
      const id = await newOrder('from the events');
      // A row the live tables hold but the events do not say: a rebuild replaces it, silently.
      await fx.db.pool.query('update production_orders set notes = $2 where id = $1', [id, 'drifted']);
      await vi.waitFor(async () => {
        expect((await here.find(id))?.notes).toBe('drifted');
        const hits = here.stats().hits;
        await here.find(id);
        expect(here.stats().hits).toBe(hits + 1);
      });
      await rebuildProjections({ pool: fx.db.pool, eventStore: fx.store });
      await vi.waitFor(async () => expect((await here.find(id))?.notes).toBe('from the events'), {
        timeout: 5000,
        interval: 50,
      });
      await vi.waitFor(async () => expect((await there.find(id))?.notes).toBe('from the events'), {
        timeout: 5000,
        interval: 50,
      });
    },
  );
});

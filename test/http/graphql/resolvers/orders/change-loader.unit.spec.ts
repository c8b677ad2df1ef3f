import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { changeLoader } from '../../../../../src/http/graphql/resolvers/orders/changeLoader.ts';
import { createChangeHub, listenForChangeBatches } from '../../../../../src/http/graphql/resolvers/orders/feed.ts';
import type { OrderChange, OrderChangeListener, ProductionOrderView } from '../../../../../src/projections/index.ts';

const at = (commit: number) => ({ commit: BigInt(commit), prepare: BigInt(commit) });
const change = (orderId: string, commit: number): OrderChange => ({ orderId, position: at(commit) });
const viewOf = (id: string, read: number) => ({ id, position: `${read}-${read}` }) as unknown as ProductionOrderView;

/** A database stand-in that counts reads and answers each id with the read's sequence number. */
function countingDatabase() {
  const reads: string[][] = [];
  const loadMany = (ids: readonly string[]) => {
    reads.push([...ids]);
    return Promise.resolve(new Map(ids.map((id) => [id, viewOf(id, reads.length)])));
  };
  return { reads, loadMany };
}

describe('the change loader', () => {
  it('reads a changed order once for every subscription asking for that change, even one asking later', async () => {
    const db = countingDatabase();
    const load = changeLoader({ loadMany: db.loadMany });
    const orderId = randomUUID();
    const first = await Promise.all(Array.from({ length: 1000 }, () => load(change(orderId, 7))));
    const late = await load(change(orderId, 7));
    expect(db.reads).toEqual([[orderId]]);
    expect(new Set([...first, late]).size).toBe(1);
  });

  it('reads the orders of several changes asked for together in one statement', async () => {
    const db = countingDatabase();
    const load = changeLoader({ loadMany: db.loadMany });
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const views = await Promise.all(ids.map((id, i) => load(change(id, i + 1))));
    expect(db.reads).toEqual([ids]);
    expect(views.map((v) => v?.id)).toEqual(ids);
  });

  it('reads nothing for a notice that carries its order, and shares that view with every later asker', async () => {
    const db = countingDatabase();
    let built = 0;
    const carried = new Map<string, ProductionOrderView>();
    const load = changeLoader({
      loadMany: db.loadMany,
      fromChange: (c) => (carried.has(c.orderId) ? (built++, carried.get(c.orderId)) : undefined),
    });
    const [withView, without] = [randomUUID(), randomUUID()];
    carried.set(withView, viewOf(withView, 99));
    const views = await Promise.all([
      ...Array.from({ length: 10 }, () => load(change(withView, 3))),
      load(change(without, 3)),
    ]);
    expect(views.slice(0, 10).every((view) => view === carried.get(withView))).toBe(true);
    expect(built).toBe(1);
    expect(db.reads).toEqual([[without]]);
  });

  it('lets go of a change once its short memory expired, without waiting for the size bound', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let now = 0;
    const load = changeLoader({
      loadMany: (ids) =>
        Promise.resolve(
          new Map(ids.map((id) => [id, { id, big: 'x'.repeat(100_000) } as unknown as ProductionOrderView])),
        ),
      ttlMs: 2000,
      clock: () => now,
    });
    const early: WeakRef<object>[] = [];
    for (let i = 0; i < 50; i++) early.push(new WeakRef((await load(change(randomUUID(), i)))!));
    now = 2001;
    await load(change(randomUUID(), 99));
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(early.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });

  it('splits a large backlog into bounded reads', async () => {
    const db = countingDatabase();
    const load = changeLoader({ loadMany: db.loadMany, maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => load(change(randomUUID(), n))));
    expect(db.reads.map((ids) => ids.length)).toEqual([2, 2, 1]);
  });

  it('reads again for a newer change of the same order, and after the short memory expired', async () => {
    const db = countingDatabase();
    let now = 0;
    const load = changeLoader({ loadMany: db.loadMany, ttlMs: 2000, clock: () => now });
    const orderId = randomUUID();
    await load(change(orderId, 1));
    await load(change(orderId, 2));
    now = 1999;
    await load(change(orderId, 2));
    expect(db.reads).toHaveLength(2);
    now = 4001;
    await load(change(orderId, 2));
    expect(db.reads).toHaveLength(3);
  });

  it('forgets the oldest changes beyond its bound', async () => {
    const db = countingDatabase();
    const load = changeLoader({ loadMany: db.loadMany, maxEntries: 2 });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await Promise.all([load(change(a, 1)), load(change(b, 1)), load(change(c, 1))]);
    await load(change(a, 1));
    expect(db.reads).toEqual([[a, b, c], [a]]);
  });

  it('does not remember a failed or empty read: the next asker reads again', async () => {
    let calls = 0;
    const orderId = randomUUID();
    const load = changeLoader({
      loadMany: (ids) => {
        calls += 1;
        if (calls === 1) return Promise.reject(new Error('connection lost'));
        if (calls === 2) return Promise.resolve(new Map());
        return Promise.resolve(new Map(ids.map((id) => [id, viewOf(id, calls)])));
      },
    });
    await expect(load(change(orderId, 1))).rejects.toThrow('connection lost');
    await expect(load(change(orderId, 1))).resolves.toBeNull();
    await expect(load(change(orderId, 1))).resolves.toMatchObject({ id: orderId });
    expect(calls).toBe(3);
  });
});

describe('listening for change batches', () => {
  it('hands a subscriber that fell behind everything pending at once, newest notice per order', async () => {
    let publish: OrderChangeListener = () => undefined;
    let unsubscribed = false;
    const source = (listener: OrderChangeListener) => {
      publish = listener;
      return () => void (unsubscribed = true);
    };
    const stop = new AbortController();
    const batches = listenForChangeBatches(source, stop.signal)[Symbol.asyncIterator]();
    const [a, b] = [randomUUID(), randomUUID()];
    publish(change(a, 1));
    publish(change(b, 2));
    publish(change(a, 4));
    expect((await batches.next()).value).toEqual([change(b, 2), change(a, 4)]);
    const next = batches.next();
    publish(change(b, 5));
    expect((await next).value).toEqual([change(b, 5)]);
    const ended = batches.next();
    stop.abort();
    expect((await ended).done).toBe(true);
    expect(unsubscribed).toBe(true);
  });
});

describe('the change hub', () => {
  it('calls only the listeners of the changed order, and those following every order', () => {
    let publish: OrderChangeListener = () => undefined;
    const hub = createChangeHub({ subscribe: (listener) => ((publish = listener), () => undefined) });
    const [a, b] = [randomUUID(), randomUUID()];
    const heard: string[] = [];
    const stopA = hub.order(a)((c) => heard.push(`a:${c.orderId === a}`));
    hub.order(b)(() => heard.push('b'));
    hub.all((c) => heard.push(`all:${c.orderId === a ? 'a' : 'b'}`));
    publish(change(a, 1));
    expect(heard).toEqual(['a:true', 'all:a']);
    stopA();
    publish(change(a, 2));
    publish(change(b, 3));
    expect(heard).toEqual(['a:true', 'all:a', 'all:a', 'b', 'all:b']);
  });

  it('listens on the feed only while someone listens on it', () => {
    let onFeed = 0;
    const hub = createChangeHub({ subscribe: () => ((onFeed += 1), () => void (onFeed -= 1)) });
    const stopA = hub.order(randomUUID())(() => undefined);
    const stopAll = hub.all(() => undefined);
    expect(onFeed).toBe(1);
    stopA();
    stopA();
    expect(onFeed).toBe(1);
    stopAll();
    expect(onFeed).toBe(0);
    hub.all(() => undefined);
    expect(onFeed).toBe(1);
  });

  it('still calls the other listeners when one throws, then reports the failure to the feed', () => {
    let publish: OrderChangeListener = () => undefined;
    const hub = createChangeHub({ subscribe: (listener) => ((publish = listener), () => undefined) });
    const a = randomUUID();
    const heard: number[] = [];
    hub.order(a)(() => {
      throw new Error('listener broke');
    });
    hub.all(() => heard.push(1));
    expect(() => publish(change(a, 1))).toThrow('listener broke');
    expect(heard).toEqual([1]);
  });
});

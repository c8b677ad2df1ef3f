import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GlobalPosition } from '../../../src/eventstore/eventStore.ts';
import {
  createOrderCache,
  type OrderCache,
  type OrderChangeListener,
  type Queryable,
} from '../../../src/projections/index.ts';
import type { OrderRow } from '../../../src/projections/orders/views.ts';

const DAY_MS = 86_400_000;
const PAID_AT = Date.UTC(2026, 0, 5, 12);

function orderRow(id: string, userId: string, notes: string): OrderRow {
  const at = new Date(Date.UTC(2026, 0, 5, 9));
  return {
    id,
    user_id: userId,
    project_id: null,
    reference: 'PO-000001',
    status: 'submitted',
    notes,
    metadata: {},
    created_at: at,
    updated_at: at,
    priority: 'standard',
    hold_reason: null,
    prompt: null,
    design_url: 'https://cdn.example.com/a.png',
    garment: { id: 'classic-tee', title: 'Classic Tee', priceCents: 2000, sizes: ['M'], imageUrl: null },
    total_cents: '2000',
    currency: 'usd',
    stripe_checkout_session_id: null,
    checkout_url: null,
    checkout_simulated: null,
    stripe_payment_intent_id: null,
    paid_cents: '2000',
    paid_currency: 'usd',
    paid_at: new Date(PAID_AT),
    payment_mismatch: false,
    last_payment_failure: null,
    refunded_cents: '0',
    canceled: false,
    canceled_by: null,
    cancel_reason: null,
    refund_due: false,
    submitted_at: at,
    approved_at: null,
    in_production_at: null,
    fulfilled_at: null,
    canceled_at: null,
    tracking_number: null,
    tracking_url: null,
    carrier: null,
    public_tracking_token: null,
    refund_excess: false,
    refund_failed: false,
    refund_failure_reason: null,
    dispute_status: null,
    dispute_evidence_due_by: null,
    disputed: false,
    held_at: null,
    eta_clock: {
      tier: 'standard',
      onHold: false,
      paidAtMs: PAID_AT,
      pausedAtMs: null,
      heldMs: 0,
      stoppedAtMs: null,
    } as unknown as OrderRow['eta_clock'],
    version: 3,
    position: '10-10',
    line_items: [{ id: randomUUID(), line_no: 1, size: 'M', quantity: 1, technique: 'dtg', unit_price_cents: '2000' }],
    events: [],
  };
}

/** PostgreSQL as the cache sees it: order rows by id (reads can be held back), the orders table's identity, the checkpoint. */
class FakeDatabase {
  readonly rows = new Map<string, OrderRow>();
  readonly reads = new Map<string, number>();
  tableId = '16400';
  checkpoint: GlobalPosition | undefined;
  gate: Promise<void> | undefined;

  query = (async (config: string | { name?: string; text: string; values?: unknown[] }) => {
    const text = typeof config === 'string' ? config : config.text;
    if (text.includes('to_regclass')) return { rows: [{ id: this.tableId }] };
    if (text.includes('projection_checkpoints')) {
      const at = this.checkpoint;
      return {
        rows: at ? [{ commit: at.commit.toString(), prepare: at.prepare.toString(), updated_at: new Date() }] : [],
      };
    }
    const id = (config as { values: string[] }).values[0]!;
    this.reads.set(id, (this.reads.get(id) ?? 0) + 1);
    const row = this.rows.get(id);
    await this.gate;
    return { rows: row ? [row] : [] };
  }) as unknown as Queryable['query'];

  readsOf = (id: string): number => this.reads.get(id) ?? 0;
}

class FakeFeed {
  readonly listeners = new Set<OrderChangeListener>();
  position: GlobalPosition | undefined;
  subscribe = (listener: OrderChangeListener) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  currentPosition = () => this.position;
  changed(orderId: string, position: GlobalPosition = { commit: 20n, prepare: 20n }): void {
    this.position = position;
    for (const listener of this.listeners) listener({ orderId, position });
  }
}

describe('the order cache', () => {
  const caches: OrderCache[] = [];
  afterEach(() => caches.splice(0).forEach((cache) => cache.close()));

  async function setUp(options: { capacity?: number } = {}) {
    const db = new FakeDatabase();
    const feed = new FakeFeed();
    const cache = createOrderCache({ db, changeFeed: feed, watchIntervalMs: 5, ...options });
    caches.push(cache);
    // Nothing is kept before the watch has seen the tables once.
    await vi.waitFor(async () => {
      const probe = randomUUID();
      db.rows.set(probe, orderRow(probe, randomUUID(), 'probe'));
      await cache.find(probe);
      await cache.find(probe);
      expect(db.readsOf(probe)).toBe(1);
    });
    return { db, feed, cache };
  }

  it('answers a second read of an order from memory', async () => {
    const { db, cache } = await setUp();
    const id = randomUUID();
    db.rows.set(id, orderRow(id, randomUUID(), 'first'));
    const before = cache.stats();
    expect((await cache.find(id))?.notes).toBe('first');
    expect((await cache.find(id.toUpperCase()))?.notes).toBe('first');
    expect(db.readsOf(id)).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: before.hits + 1, misses: before.misses + 1 });
  });

  it('hands out views no reader can change for the others', async () => {
    const { db, cache } = await setUp();
    const id = randomUUID();
    db.rows.set(id, orderRow(id, randomUUID(), 'shared'));
    const first = await cache.find(id);
    expect(() => (first!.lineItems as unknown[]).push({})).toThrow(TypeError);
    expect(() => Object.assign(first!.payment, { paidCents: 1 })).toThrow(TypeError);
    expect((await cache.find(id))?.lineItems).toHaveLength(1);
  });

  it('reads an order again once the change feed announces a change to it', async () => {
    const { db, feed, cache } = await setUp();
    const id = randomUUID();
    const owner = randomUUID();
    db.rows.set(id, orderRow(id, owner, 'before'));
    await cache.find(id);
    db.rows.set(id, orderRow(id, owner, 'after'));
    feed.changed(id);
    expect((await cache.find(id))?.notes).toBe('after');
    expect(db.readsOf(id)).toBe(2);
  });

  it('does not keep a row read while a change to that order was announced', async () => {
    const { db, feed, cache } = await setUp();
    const id = randomUUID();
    const owner = randomUUID();
    db.rows.set(id, orderRow(id, owner, 'old'));
    let release!: () => void;
    db.gate = new Promise((resolve) => (release = resolve));
    const racing = cache.find(id);
    await vi.waitFor(() => expect(db.readsOf(id)).toBe(1));
    feed.changed(id);
    release();
    // That read's answer may predate the change: it is answered, not kept.
    expect((await racing)?.notes).toBe('old');
    db.gate = undefined;
    db.rows.set(id, orderRow(id, owner, 'new'));
    expect((await cache.find(id))?.notes).toBe('new');
  });

  it('shows a customer only their own order, the same as a missing one otherwise', async () => {
    const { db, cache } = await setUp();
    const id = randomUUID();
    const owner = randomUUID();
    db.rows.set(id, orderRow(id, owner, 'mine'));
    expect(await cache.find(id, { ownerId: randomUUID() })).toBeNull();
    expect((await cache.find(id, { ownerId: owner.toUpperCase() }))?.id).toBe(id);
    expect(await cache.find(id, { ownerId: randomUUID() })).toBeNull();
    expect(await cache.find(randomUUID())).toBeNull();
    expect(await cache.find('not-a-uuid')).toBeNull();
  });

  it('computes the ETA for each read’s own instant, not the fill’s', async () => {
    const { db, cache } = await setUp();
    const id = randomUUID();
    db.rows.set(id, orderRow(id, randomUUID(), 'eta'));
    const first = await cache.find(id, { now: new Date(PAID_AT + DAY_MS) });
    const later = await cache.find(id, { now: new Date(PAID_AT + 3 * DAY_MS) });
    expect(db.readsOf(id)).toBe(1);
    expect(first!.etaAt).toBe(later!.etaAt);
    expect(first!.etaDays - later!.etaDays).toBe(2);
  });

  it('forgets everything when a rebuild swaps the tables in, which announces nothing', async () => {
    const { db, cache } = await setUp();
    const id = randomUUID();
    const owner = randomUUID();
    db.rows.set(id, orderRow(id, owner, 'live table'));
    await cache.find(id);
    db.rows.set(id, orderRow(id, owner, 'rebuilt table'));
    db.tableId = '16999';
    await vi.waitFor(async () => expect((await cache.find(id))?.notes).toBe('rebuilt table'));
  });

  it('forgets everything and keeps nothing while the feed lags the checkpoint (lost notices)', async () => {
    const { db, feed, cache } = await setUp();
    const id = randomUUID();
    const owner = randomUUID();
    db.rows.set(id, orderRow(id, owner, 'before'));
    await cache.find(id);
    // Committed elsewhere; its notice never arrives.
    db.checkpoint = { commit: 30n, prepare: 30n };
    db.rows.set(id, orderRow(id, owner, 'after'));
    await vi.waitFor(async () => expect((await cache.find(id))?.notes).toBe('after'));
    const reads = db.readsOf(id);
    await cache.find(id);
    expect(db.readsOf(id)).toBe(reads + 1);
    // The feed catches up (a resync): the cache keeps rows again.
    feed.position = { commit: 30n, prepare: 30n };
    await cache.find(id);
    await cache.find(id);
    expect(db.readsOf(id)).toBe(reads + 2);
  });

  it('keeps at most its capacity, dropping the least recently read', async () => {
    const { db, cache } = await setUp({ capacity: 2 });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [a, b, c]) db.rows.set(id, orderRow(id, randomUUID(), id));
    await cache.find(a);
    await cache.find(b);
    await cache.find(a);
    await cache.find(c);
    expect(cache.stats().size).toBe(2);
    await cache.find(a);
    await cache.find(b);
    expect([db.readsOf(a), db.readsOf(b), db.readsOf(c)]).toEqual([1, 2, 1]);
  });

  it('reads every order from the database while switched off', async () => {
    const { db, cache } = await setUp();
    const id = randomUUID();
    db.rows.set(id, orderRow(id, randomUUID(), 'x'));
    await cache.find(id);
    cache.setEnabled(false);
    await cache.find(id);
    await cache.find(id);
    expect(db.readsOf(id)).toBe(3);
    expect(cache.stats().size).toBe(0);
  });
});

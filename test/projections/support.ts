import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { isAppError } from '../../src/domain/errors.ts';
import type { EventStore } from '../../src/eventstore/eventStore.ts';
import { createPostgresEventStore } from '../../src/eventstore/postgres/index.ts';
import {
  createInMemoryReferenceAllocator,
  createOrderCommands,
  createPostgresGarmentCatalog,
  type OrderCommands,
} from '../../src/commands/order/index.ts';
import { loadInstallationSecret } from '../../src/db/installationSecret.ts';
import { migrate } from '../../src/db/migrate.ts';
import {
  rebuildProjections,
  startReadModel,
  type ReadModel,
  type ReadModelOptions,
  type RebuildOptions,
  type RebuildReport,
} from '../../src/projections/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { perSuite } from '../support/suite.ts';
import type { Actor } from '../../src/domain/order/index.ts';
import { CHECKOUT_ACTOR } from '../../src/payments/checkout.ts';
import { placePaidOrder, STRIPE_ACTOR as stripe } from '../support/paid-order.ts';

export interface ReadModelFixture {
  readonly db: TestDatabase;
  readonly store: EventStore;
  readonly commands: OrderCommands;
  /** Starts the read model on this database with a projector (`options` add to or override that). */
  project(options?: Partial<Omit<ReadModelOptions, 'pool' | 'eventStore'>>): Promise<ReadModel>;
  /** Rebuilds the read model's tables from this store (or `options.eventStore`). */
  rebuild(options?: Partial<Omit<RebuildOptions, 'pool'>>): Promise<RebuildReport>;
  /** {@link waitUntilCaughtUp} on this database. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** {@link snapshotReadModel} of this database. */
  snapshot(): Promise<Record<string, string[]>>;
  close(): Promise<void>;
}

/** A fresh database, migrated, with the PostgreSQL event store and the order command service on it. */
export async function readModelFixture(): Promise<ReadModelFixture> {
  const db = await createTestDatabase();
  await migrate(db.pool);
  const store = await createPostgresEventStore({ connectionString: db.url, maxConnections: 8, pollIntervalMs: 200 });
  let minutes = 0;
  // A fake clock that moves a minute per command, so ETAs and timestamps differ between steps.
  const clock = { now: () => new Date(Date.UTC(2025, 2, 3, 9) + minutes++ * 60_000) };
  const commands = createOrderCommands({
    eventStore: store,
    references: createInMemoryReferenceAllocator(),
    garments: createPostgresGarmentCatalog(db.pool),
    clock,
    idSecret: await loadInstallationSecret(db.pool),
  });
  return {
    db,
    store,
    commands,
    project: (options) => startReadModel({ pool: db.pool, eventStore: store, projector: true, ...options }),
    rebuild: (options) => rebuildProjections({ pool: db.pool, eventStore: store, ...options }),
    caughtUp: (timeoutMs) => waitUntilCaughtUp(db.pool, store, timeoutMs),
    snapshot: () => snapshotReadModel(db.pool),
    async close() {
      await store.close();
      await db.close();
    },
  };
}

/** A {@link readModelFixture} with the read model `readModelSuite({ projector: true })` started on it. */
export interface ReadModelSuite extends ReadModelFixture {
  /** The projecting read model; a test may close it and put another in its place (closed with the suite). */
  readModel: ReadModel;
}

/**
 * A {@link readModelFixture} for the enclosing describe block's tests ({@link perSuite}), its read
 * model started too with `projector: true`.
 */
export function readModelSuite(options: { readonly projector: true }): ReadModelSuite;
export function readModelSuite(options?: { readonly projector?: false }): ReadModelFixture;
export function readModelSuite(options: { readonly projector?: boolean } = {}): ReadModelFixture | ReadModelSuite {
  const suite: { readModel?: ReadModel } & ReadModelFixture = perSuite(async () => {
    const fx = await readModelFixture();
    return {
      ...fx,
      readModel: options.projector ? await fx.project() : undefined,
      async close() {
        await suite.readModel?.close();
        await fx.close();
      },
    };
  });
  return suite;
}

/** A small seeded generator (mulberry32), so a failing random history can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARMENTS = ['classic-tee', 'pullover-hoodie', 'crewneck-sweatshirt', 'canvas-tote'];
const SIZES: Record<string, string[]> = {
  'classic-tee': ['S', 'M', 'L', 'XL'],
  'pullover-hoodie': ['M', 'L', 'XL'],
  'crewneck-sweatshirt': ['S', 'M', 'L'],
  'canvas-tote': ['One Size'],
};
const operator: Actor = { type: 'operator', id: randomUUID() };

/** Runs `task` over `items`, `concurrency` at a time. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    }),
  );
}

/**
 * One order's random life through the command handlers: created, checkout, then a few random
 * commands (payments that match or not, failures, priority changes and holds, operator steps,
 * cancels, notes, messages, refunds, oversized refunds, failed refunds, disputes). Commands the rules refuse are simply skipped, as a user
 * would see them refused. Returns the order id.
 */
export async function randomOrderLife(commands: OrderCommands, random: () => number, steps = 6): Promise<string> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const customer: Actor = { type: 'customer', id: randomUUID() };
  const garmentId = pick(GARMENTS);
  const sizes = [...new Set([pick(SIZES[garmentId]!), pick(SIZES[garmentId]!)])].map((size) => ({
    size,
    quantity: 1 + Math.floor(random() * 20),
  }));
  const priority = pick(['rush', 'standard', 'standard', 'hold'] as const);
  const created = await commands.createOrder(
    {
      garmentId,
      designUrl: `https://cdn.example.com/designs/${randomUUID()}.png`,
      sizes,
      priority,
      holdReason: priority === 'hold' ? 'Check artwork' : null,
      notes: random() < 0.5 ? `Note ${Math.floor(random() * 1000)}` : null,
      prompt: random() < 0.3 ? 'a fox in a forest' : null,
    },
    { actor: customer },
  );
  const orderId = created.orderId;
  const total = created.state.totalCents;
  const paidWith = async (): Promise<string | null> =>
    (await commands.load(orderId)).state?.payment?.paymentIntentId ?? null;
  const sessionId = `cs_${randomUUID().slice(0, 8)}`;
  await commands.openCheckoutSession(
    orderId,
    { sessionId, checkoutUrl: `https://checkout.example.com/${sessionId}`, simulated: true },
    { actor: CHECKOUT_ACTOR },
  );
  const moves: (() => Promise<unknown>)[] = [
    () =>
      commands.confirmPayment(
        orderId,
        {
          sessionId,
          paymentIntentId: `pi_${randomUUID().slice(0, 8)}`,
          amountCents: random() < 0.9 ? total : total - 1,
          currency: 'usd',
          stripeEventId: `evt_${randomUUID()}`,
        },
        { actor: stripe },
      ),
    () =>
      commands.confirmPayment(
        orderId,
        {
          sessionId,
          paymentIntentId: `pi_${randomUUID().slice(0, 8)}`,
          amountCents: total,
          currency: 'usd',
          stripeEventId: `evt_${randomUUID()}`,
        },
        { actor: stripe },
      ),
    () =>
      commands.failPayment(
        orderId,
        { sessionId, reason: 'card_declined', stripeEventId: `evt_${randomUUID()}` },
        { actor: stripe },
      ),
    () =>
      commands.setPriority(
        orderId,
        { priority: pick(['rush', 'standard', 'hold']), reason: 'ops' },
        { actor: operator },
      ),
    () => commands.setOrderStatus(orderId, { status: 'approved', message: null }, { actor: operator }),
    () => commands.setOrderStatus(orderId, { status: 'in_production' }, { actor: operator }),
    () =>
      commands.setOrderStatus(
        orderId,
        { status: 'fulfilled', trackingNumber: random() < 0.5 ? '1Z999' : null, carrier: 'UPS' },
        { actor: operator },
      ),
    () => commands.cancelOrder(orderId, { reason: 'changed plans' }, { actor: random() < 0.5 ? customer : operator }),
    () => commands.updateNotes(orderId, { notes: `Updated ${Math.floor(random() * 1000)}` }, { actor: operator }),
    () => commands.postMessage(orderId, { message: 'Looking good' }, { actor: operator }),
    async () =>
      commands.recordRefund(
        orderId,
        {
          chargeId: 'ch_1',
          paymentIntentId: await paidWith(),
          amountRefundedCents: 100,
          currency: 'usd',
          stripeEventId: `evt_${randomUUID()}`,
        },
        { actor: stripe },
      ),
    // Stripe's money reports after payment: a total above the payment, a failed refund, a dispute opened and closed.
    async () =>
      commands.recordRefund(
        orderId,
        {
          chargeId: 'ch_1',
          paymentIntentId: await paidWith(),
          amountRefundedCents: total * 1000,
          currency: 'usd',
          stripeEventId: `evt_${randomUUID()}`,
        },
        { actor: stripe },
      ),
    async () =>
      commands.execute({
        type: 'RecordRefundFailure',
        orderId,
        actor: stripe,
        now: new Date(),
        refundId: `re_${Math.floor(random() * 3)}`,
        paymentIntentId: await paidWith(),
        amountCents: 100,
        currency: 'usd',
        reason: pick(['expired_or_canceled_card', null]),
        stripeEventId: `evt_${randomUUID()}`,
      }),
    async () =>
      commands.execute({
        type: 'RecordDispute',
        orderId,
        actor: stripe,
        now: new Date(),
        phase: pick(['opened', 'closed'] as const),
        disputeId: 'dp_1',
        paymentIntentId: await paidWith(),
        amountCents: total,
        currency: 'usd',
        reason: 'fraudulent',
        status: pick(['needs_response', 'won', 'lost']),
        evidenceDueBy: pick([null, new Date(Date.UTC(2025, 2, 20, 23, 59, 59))]),
        stripeEventId: `evt_${randomUUID()}`,
      }),
  ];
  for (let step = 0; step < steps; step += 1) {
    // Payments and the production steps come up more often, so many orders get far.
    const move = random() < 0.5 ? moves[[1, 4, 5, 6][Math.floor(random() * 4)]!]! : pick(moves);
    try {
      await move();
    } catch (error) {
      if (!isAppError(error)) throw error;
    }
  }
  return orderId;
}

/**
 * A paid order with every money flag Stripe can raise, so a comparison of tables is sure to meet
 * them all whatever the random lives drew: an oversized refund, a failed refund, a dispute open
 * (`closeDispute`: closed, with its final status).
 */
export async function moneyFlaggedOrder(commands: OrderCommands, closeDispute: boolean): Promise<string> {
  const { orderId, created, paymentIntentId } = await placePaidOrder(commands, {
    garmentId: 'classic-tee',
    designUrl: 'https://cdn.example.com/designs/money.png',
    sizes: [{ size: 'M', quantity: 2 }],
  });
  const total = created.state.totalCents;
  const evt = (): string => `evt_${randomUUID()}`;
  await commands.recordRefund(
    orderId,
    { chargeId: 'ch_1', paymentIntentId, amountRefundedCents: total * 1000, currency: 'usd', stripeEventId: evt() },
    { actor: stripe },
  );
  const money = { orderId, actor: stripe, now: new Date(), paymentIntentId, amountCents: total, currency: 'usd' };
  await commands.execute({
    type: 'RecordRefundFailure',
    ...money,
    refundId: 're_1',
    reason: 'expired_or_canceled_card',
    stripeEventId: evt(),
  });
  const dispute = {
    type: 'RecordDispute',
    ...money,
    disputeId: 'dp_1',
    reason: 'fraudulent',
    evidenceDueBy: new Date(Date.UTC(2025, 2, 20, 23, 59, 59)),
  } as const;
  await commands.execute({ ...dispute, phase: 'opened', status: 'needs_response', stripeEventId: evt() });
  if (closeDispute) await commands.execute({ ...dispute, phase: 'closed', status: 'won', stripeEventId: evt() });
  return orderId;
}

/** Every row of the three projected tables, in key order, as JSON text: equal snapshots are equal tables. */
export async function snapshotReadModel(db: Pick<pg.Pool, 'query'>): Promise<Record<string, string[]>> {
  const tables = {
    production_orders: 'id',
    production_line_items: 'order_id, line_no',
    fulfillment_events: 'order_id, stream_version',
  };
  const snapshot: Record<string, string[]> = {};
  for (const [table, key] of Object.entries(tables)) {
    const { rows } = await db.query<{ row: string }>(
      `select row_to_json(t)::text as row from ${table} t order by ${key}`,
    );
    snapshot[table] = rows.map((r) => r.row);
  }
  return snapshot;
}

/**
 * Waits until the read model's checkpoint has reached the newest committed order event. Not the
 * store's headPosition(): that stops below any transaction still open anywhere in the cluster
 * (other test files' databases share it), so it can be behind what the test wrote.
 */
export async function waitUntilCaughtUp(
  pool: pg.Pool,
  _store?: EventStore,
  timeoutMs = 30_000,
  projection = 'orders',
): Promise<void> {
  const { rows: last } = await pool.query<{ c: string; p: string }>(
    "select transaction_id::text as c, global_position::text as p from es_events where stream_id like 'order-%' order by transaction_id desc, global_position desc limit 1",
  );
  const head = last[0] && { commit: BigInt(last[0].c), prepare: BigInt(last[0].p) };
  if (!head) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ c: string | null; p: string | null }>(
      'select position_commit::text as c, position_prepare::text as p from projection_checkpoints where name = $1',
      [projection],
    );
    const row = rows[0];
    if (
      row?.c &&
      row.p &&
      (BigInt(row.c) > head.commit || (BigInt(row.c) === head.commit && BigInt(row.p) >= head.prepare))
    )
      return;
    if (Date.now() > deadline)
      throw new Error(
        `read model did not reach ${head.commit}-${head.prepare} within ${timeoutMs} ms (at ${row?.c}-${row?.p})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

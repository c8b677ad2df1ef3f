/**
 * Stripe webhook benchmark (`npm run bench -- webhooks`): signed `checkout.session.completed`
 * deliveries over real HTTP to `POST /api/stripe/webhook`, each Stripe event delivered four
 * times (once, then three redeliveries within the next 2 s), a tenth naming no order.
 * A delivery's time runs from when it was due until its 2xx, which is sent only once the
 * delivery is durably recorded (durable embedded PostgreSQL: fsync and synchronous_commit on).
 * - open loop at 1,000 deliveries/s: p50/p99 time to 2xx (measured from the scheduled start,
 *   so a stall is not hidden by the client waiting);
 * - closed loop, 32 in flight: the most deliveries/s;
 * - afterwards: duplicate effects (orders with more than one PaymentConfirmed, events with more
 *   than one inbox record) must be 0.
 * The server runs its projector, as `npm start` does; `BENCH_WEBHOOK_PROJECTOR=off` leaves it out
 * to see its share. `BENCH_WEBHOOK_SECONDS` sets the open loop's length (default 10).
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import Stripe from 'stripe';
import { createAuthenticator } from '../src/auth/authenticate.ts';
import { createTokenVerifier } from '../src/auth/tokens.ts';
import { createMetrics } from '../src/metrics.ts';
import {
  createOrderCommands,
  createPostgresGarmentCatalog,
  createPostgresReferenceAllocator,
  type OrderCommands,
} from '../src/commands/order/index.ts';
import { createPostgresEventStore } from '../src/eventstore/postgres/index.ts';
import { ensureEmbeddedPostgres } from '../src/db/embedded.ts';
import { loadInstallationSecret } from '../src/db/installationSecret.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildApp } from '../src/http/app.ts';
import { setUpPayments } from '../src/payments/setup.ts';
import { startReadModel } from '../src/projections/index.ts';
import { runLoad } from './support/load.ts';
import { emit, progress, round } from './support/output.ts';

const SECRET = 'whsec_bench_webhooks';
const RATE = 1000;
const OPEN_LOOP_SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const CLOSED_LOOP_MS = 5000;
const CLOSED_CONCURRENCY = 32;
const DELIVERIES_PER_EVENT = 4;
/** Redeliveries of an event come within this many deliveries (2 s at 1,000/s) after its first. */
const REDELIVERY_WINDOW = 2000;
/** Deliveries sent before the measured window, at the same rate (JIT, connection pools, caches). */
const WARMUP_SECONDS = 2;

interface Delivery {
  readonly body: Buffer;
  readonly signature: string;
}

export async function run(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-webhooks-'));
  await chmod(dataDir, 0o755);
  const cluster = await ensureEmbeddedPostgres({
    dataDir,
    database: 'bench_webhooks',
    throwaway: true,
    log: () => undefined,
  });
  const pool = new pg.Pool({ connectionString: cluster.url, max: 16 });
  // pool.end() resolves while its clients are still closing; the cluster stopping right after must not crash the run.
  pool.on('error', () => undefined);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    await migrate(pool);
    const store = await createPostgresEventStore({ connectionString: cluster.url, maxConnections: 16 });
    const commands = createOrderCommands({
      eventStore: store,
      references: createPostgresReferenceAllocator(pool),
      garments: createPostgresGarmentCatalog(pool),
      idSecret: await loadInstallationSecret(pool),
    });
    const payments = setUpPayments({
      config: {
        stripe: { secretKey: 'sk_test_bench', webhookSecret: SECRET, apiBase: 'http://127.0.0.1:9' },
        publicBaseUrl: 'http://127.0.0.1',
      },
      eventStore: store,
      commands,
      pool,
    });
    const readModel = await startReadModel({
      pool,
      eventStore: store,
      projector: process.env.BENCH_WEBHOOK_PROJECTOR !== 'off',
    });
    const app = await buildApp({
      pool,
      eventStore: store,
      authenticator: createAuthenticator({
        verifier: createTokenVerifier({ key: { kind: 'secret', secret: 'x'.repeat(32) }, audience: 'authenticated' }),
        operators: { isOperator: () => Promise.resolve(false) },
      }),
      metrics: createMetrics({ defaultMetrics: false }),
      garments: { list: () => Promise.resolve([]) },
      introspection: false,
      paymentEndpoints: payments.endpoints,
    });
    const base = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
    // Seeding orders leaves the projector a backlog; the load starts once it has caught up.
    const caughtUp = async () => {
      const head = await store.headPosition();
      if (head) await readModel.changeFeed.waitForPosition(head, { timeoutMs: 60_000 });
    };
    const conditions = `embedded PostgreSQL, durable (fsync, synchronous_commit on); server with projector and the load client in one Node process; ${cpus().length} cores shared (load avg at start ${loadavg()[0]!.toFixed(1)}); each event delivered ${DELIVERIES_PER_EVENT}× (3 redeliveries within 2 s of the first), 10% for unknown orders`;
    try {
      const post = (delivery: Delivery) => deliver(agent, base, delivery);

      progress(`webhooks: open loop at ${RATE}/s for ${WARMUP_SECONDS} s warm-up + ${OPEN_LOOP_SECONDS} s`);
      const openDeliveries = await deliveries(
        commands,
        (RATE * (WARMUP_SECONDS + OPEN_LOOP_SECONDS)) / DELIVERIES_PER_EVENT,
      );
      await caughtUp();
      const open = await openLoop(openDeliveries, post);
      emit({
        metric: 'webhooks.delivery_ms.p99.at_1000_per_s',
        value: round(open.p99),
        unit: 'ms',
        n: open.n,
        conditions: `${conditions}; open loop, ${open.errors} non-2xx`,
      });
      emit({
        metric: 'webhooks.delivery_ms.p50.at_1000_per_s',
        value: round(open.p50),
        unit: 'ms',
        n: open.n,
        conditions: `${conditions}; open loop`,
      });
      emit({
        metric: 'webhooks.deliveries_per_s.offered_1000',
        value: round(open.perSecond),
        unit: 'deliveries/s',
        n: open.n,
        conditions: `${conditions}; achieved rate of the open loop`,
      });

      progress(`webhooks: closed loop, ${CLOSED_CONCURRENCY} in flight`);
      const pending = await deliveries(commands, 5000);
      await caughtUp();
      let next = 0;
      const closed = await runLoad({
        concurrency: CLOSED_CONCURRENCY,
        warmupMs: 500,
        durationMs: CLOSED_LOOP_MS,
        operation: async () => {
          const delivery = pending[next++ % pending.length]!;
          if ((await post(delivery)) >= 300) throw new Error('webhook refused a delivery');
        },
      });
      emit({
        metric: 'webhooks.deliveries_per_s.max',
        value: round(closed.perSecond),
        unit: 'deliveries/s',
        n: closed.operations,
        conditions: `${conditions}; closed loop, ${CLOSED_CONCURRENCY} in flight, p99 ${round(closed.p99Ms)} ms`,
      });

      const duplicates = await duplicateEffects(pool);
      emit({
        metric: 'webhooks.duplicate_effects',
        value: duplicates,
        unit: 'count',
        n: open.n + closed.operations,
        conditions:
          'orders with more than one PaymentConfirmed plus Stripe events recorded more than once, after both runs',
      });
    } finally {
      await app.close();
      await readModel.close();
      await store.close();
    }
  } finally {
    agent.destroy();
    await pool.end();
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
export default run;

/** Draft orders and their signed paid-session events, each delivered `DELIVERIES_PER_EVENT` times. */
async function deliveries(commands: OrderCommands, events: number): Promise<Delivery[]> {
  progress(`webhooks: placing ${Math.round(events * 0.9)} orders`);
  const signed: Delivery[] = [];
  const batch = 64;
  for (let i = 0; i < events; i += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, events - i) }, async (_, j) => {
        const userId = randomUUID();
        let orderId: string = randomUUID();
        let total = 3600;
        if ((i + j) % 10 !== 0) {
          const created = await commands.createOrder(
            {
              garmentId: 'classic-tee',
              designUrl: 'https://cdn.example.com/d.png',
              sizes: [{ size: 'M', quantity: 2 }],
            },
            { actor: { type: 'customer', id: userId } },
          );
          orderId = created.orderId;
          total = created.state.totalCents;
        }
        return sign(orderId, userId, total);
      }),
    );
    signed.push(...made);
  }
  return spread(signed);
}

/**
 * The delivery order: first deliveries at a steady pace, each event's three redeliveries at
 * random moments within the next `REDELIVERY_WINDOW` deliveries (some while the first is still
 * in flight, some after), so the share of new events stays the same throughout the run.
 */
function spread(events: readonly Delivery[]): Delivery[] {
  const slots = events.length * DELIVERIES_PER_EVENT;
  const keyed = events.flatMap((delivery, i) => {
    const first = (i * slots) / events.length;
    return [
      { at: first, delivery },
      ...Array.from({ length: DELIVERIES_PER_EVENT - 1 }, () => ({
        at: first + Math.random() * REDELIVERY_WINDOW,
        delivery,
      })),
    ];
  });
  return keyed.sort((a, b) => a.at - b.at).map((entry) => entry.delivery);
}

function sign(orderId: string, userId: string, total: number): Delivery {
  const session = {
    id: `cs_test_${randomUUID().replaceAll('-', '')}`,
    object: 'checkout.session',
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    amount_total: total,
    currency: 'usd',
    client_reference_id: orderId,
    metadata: { orderId, userId },
    payment_intent: `pi_${randomUUID().replaceAll('-', '')}`,
  };
  const event = {
    id: `evt_${randomUUID().replaceAll('-', '')}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
    data: { object: session },
  };
  const payload = JSON.stringify(event, null, 2);
  // Signed when due would be fairer to the 300 s tolerance; the runs are far shorter than that.
  return {
    body: Buffer.from(payload),
    signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
  };
}

function deliver(agent: Agent, base: URL, delivery: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path: '/api/stripe/webhook',
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': delivery.body.length,
          'stripe-signature': delivery.signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(delivery.body);
  });
}

/**
 * Sends each delivery at its due time whether or not earlier ones were answered (open loop);
 * a delivery's latency counts from when it was due, so a stall anywhere shows in the figures.
 */
async function openLoop(
  all: readonly Delivery[],
  post: (d: Delivery) => Promise<number>,
): Promise<{ p50: number; p99: number; n: number; errors: number; perSecond: number }> {
  const start = performance.now() + 50;
  const measureFrom = start + WARMUP_SECONDS * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const worstBySecond: number[] = [];
  let next = 0;
  while (next < all.length) {
    const now = performance.now();
    // Everything due by now goes out in this tick; then yield so answers are handled.
    for (; next < all.length && start + (next * 1000) / RATE <= now; next++) {
      const due = start + (next * 1000) / RATE;
      inFlight.push(
        post(all[next]!).then(
          (status) => {
            if (status >= 300) errors++;
            const latency = performance.now() - due;
            const second = Math.floor((due - start) / 1000);
            worstBySecond[second] = Math.max(worstBySecond[second] ?? 0, latency);
            if (due >= measureFrom) latencies.push(latency);
          },
          () => void errors++,
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - measureFrom) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  progress(
    `webhooks: open loop p90 ${at(0.9).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, p99.9 ${at(0.999).toFixed(1)} ms; worst per second: ${worstBySecond.map((ms) => ms.toFixed(0)).join(' ')}`,
  );
  return { p50: at(0.5), p99: at(0.99), n: latencies.length, errors, perSecond: latencies.length / elapsed };
}

async function duplicateEffects(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`select (
      (select count(*) from (select stream_id from es_events where event_type = 'PaymentConfirmed' group by stream_id having count(*) > 1) payments)
    + (select count(*) from (select stream_id from es_events where stream_id like 'stripe\\_event-%' group by stream_id having count(*) > 1) inbox)
    )::text as n`);
  return Number(rows[0]?.n ?? 0);
}

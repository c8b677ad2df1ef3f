import { randomUUID } from 'node:crypto';
import type pg from 'pg';

const STREAMS_PER_CALL = 300;
const CONNECTIONS = 4;

const customer = () => ({ type: 'customer', id: randomUUID() });
const operator = { type: 'operator', id: randomUUID() };
const GARMENT = {
  id: 'classic-tee',
  title: 'Classic Cotton Tee',
  priceCents: 1800,
  sizes: ['S', 'M', 'L', 'XL'],
  imageUrl: 'https://placehold.co/600x600/png?text=Classic+Cotton+Tee',
};

/** Orders are created over this many days, and each is ready within a week after: the figures span 30 days. */
export const SEED_CREATION_DAYS = 22;
export const SEED_T0 = Date.UTC(2024, 0, 1);
const TECHNIQUES = ['dtg', 'screen', 'embroidery'] as const;

/** A number in [0, 1) fixed by `n` and `salt` (the seed is the same every run, without shared state). */
function spread(n: number, salt: number): number {
  let t = (n * 0x9e3779b1 + salt * 0x85ebca6b) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

/**
 * One order's life as the command service writes it (type beside the data): created, checkout,
 * paid, approved, in production, fulfilled, a message. Seven events. Orders start evenly over
 * `SEED_CREATION_DAYS` days and each step takes a time of its own (minutes to days, rush orders
 * faster), with a technique per order: figures as spread as a shop's, for the metrics projection.
 */
function orderLife(
  n: number,
  t0: number,
  orders: number,
): { s: string; e: number; ev: { i: string; t: string; d: object; m: object }[] } {
  const orderId = randomUUID();
  const owner = customer();
  const rush = n % 4 === 0;
  const created = t0 + Math.floor((n / orders) * SEED_CREATION_DAYS * 86_400_000);
  // Minutes after creation of each step: paid, approved, started, fulfilled.
  const paid = 5 + Math.floor(spread(n, 1) * 115);
  const approved = paid + 60 + Math.floor(spread(n, 2) * (rush ? 420 : 1740));
  const started = approved + 60 + Math.floor(spread(n, 3) * (rush ? 660 : 2340));
  const ready = started + 120 + Math.floor(spread(n, 4) * (rush ? 1080 : 3480));
  const at = (minutes: number) => new Date(created + minutes * 60_000).toISOString();
  const base = (actor: object, minutes: number) => ({ orderId, actor, at: at(minutes) });
  const sessionId = `cs_${n}`;
  const events: [string, object][] = [
    [
      'OrderCreated',
      {
        ...base(owner, 0),
        reference: `PO-${String(n + 1).padStart(7, '0')}`,
        userId: owner.id,
        projectId: null,
        garment: GARMENT,
        designUrl: `https://cdn.example.com/designs/${n}.png`,
        prompt: n % 3 === 0 ? 'a fox in a forest, linocut' : null,
        notes: n % 2 === 0 ? `Deliver to dock ${n % 9}` : null,
        priority: rush ? 'rush' : 'standard',
        holdReason: null,
        lineItems: [
          { id: randomUUID(), size: 'M', quantity: 3, technique: TECHNIQUES[n % 3], unitPriceCents: 1800 },
          { id: randomUUID(), size: 'L', quantity: 2, technique: 'dtg', unitPriceCents: 1800 },
        ],
        totalCents: 9000,
        currency: 'usd',
        metadata: {},
      },
    ],
    [
      'CheckoutSessionOpened',
      {
        ...base({ type: 'system', id: 'checkout' }, 0),
        sessionId,
        checkoutUrl: `http://127.0.0.1:4000/checkout/simulated/${sessionId}`,
        simulated: true,
      },
    ],
    [
      'PaymentConfirmed',
      {
        ...base({ type: 'stripe', id: 'stripe' }, paid),
        sessionId,
        paymentIntentId: `pi_${n}`,
        amountCents: 9000,
        currency: 'usd',
        stripeEventId: `evt_${n}`,
      },
    ],
    ['SpecApproved', { ...base(operator, approved), message: null }],
    ['ProductionStarted', { ...base(operator, started), message: null }],
    [
      'OrderFulfilled',
      { ...base(operator, ready), message: null, trackingNumber: `1Z${n}`, trackingUrl: null, carrier: 'UPS' },
    ],
    ['MessagePosted', { ...base(operator, ready + 1), message: 'Shipped, thank you!' }],
  ];
  return {
    s: `order-${orderId}`,
    e: -2,
    ev: events.map(([t, d]) => ({ i: randomUUID(), t, d, m: { command: 'seed' } })),
  };
}

/**
 * Appends at least `events` order events through the store's own append function
 * (`es_append_batch`), many streams per call and several calls at once.
 */
export async function seedOrderEvents(
  pool: pg.Pool,
  events: number,
  onProgress?: (events: number) => void,
): Promise<{ events: number; orders: number; ms: number }> {
  const started = performance.now();
  const orders = Math.ceil(events / 7);
  const t0 = SEED_T0;
  let next = 0;
  let written = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < orders) {
        const from = next;
        next = Math.min(orders, next + STREAMS_PER_CALL);
        const appends = Array.from({ length: next - from }, (_, k) => orderLife(from + k, t0, orders));
        const { rows } = await pool.query<{ r_outcome: string }>('select r_outcome from es_append_batch($1::jsonb)', [
          JSON.stringify(appends),
        ]);
        if (rows.some((row) => row.r_outcome !== 'ok')) throw new Error('seed append refused');
        written += appends.length * 7;
        if (Math.floor(written / 100_000) !== Math.floor((written - appends.length * 7) / 100_000))
          onProgress?.(written);
      }
    }),
  );
  return { events: written, orders, ms: performance.now() - started };
}

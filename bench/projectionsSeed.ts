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

/**
 * One order's life as the command service writes it (type beside the data): created, checkout,
 * paid, approved, in production, fulfilled, a message. Seven events.
 */
function orderLife(
  n: number,
  t0: number,
): { s: string; e: number; ev: { i: string; t: string; d: object; m: object }[] } {
  const orderId = randomUUID();
  const owner = customer();
  const at = (minutes: number) => new Date(t0 + n * 1000 + minutes * 60_000).toISOString();
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
        priority: n % 4 === 0 ? 'rush' : 'standard',
        holdReason: null,
        lineItems: [
          { id: randomUUID(), size: 'M', quantity: 3, technique: 'dtg', unitPriceCents: 1800 },
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
        ...base({ type: 'stripe', id: 'stripe' }, 5),
        sessionId,
        paymentIntentId: `pi_${n}`,
        amountCents: 9000,
        currency: 'usd',
        stripeEventId: `evt_${n}`,
      },
    ],
    ['SpecApproved', { ...base(operator, 60), message: null }],
    ['ProductionStarted', { ...base(operator, 180), message: null }],
    [
      'OrderFulfilled',
      { ...base(operator, 600), message: null, trackingNumber: `1Z${n}`, trackingUrl: null, carrier: 'UPS' },
    ],
    ['MessagePosted', { ...base(operator, 601), message: 'Shipped, thank you!' }],
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
  const t0 = Date.UTC(2024, 0, 1);
  let next = 0;
  let written = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < orders) {
        const from = next;
        next = Math.min(orders, next + STREAMS_PER_CALL);
        const appends = Array.from({ length: next - from }, (_, k) => orderLife(from + k, t0));
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

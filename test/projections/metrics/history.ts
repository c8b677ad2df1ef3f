import type { OrderEvent, Priority, Technique } from '../../../src/domain/order/events.ts';
import type { VersionedOrderEvent } from '../../../src/projections/metrics/batch.ts';

/**
 * A seeded shop week with known timings (a fixed clock through the events' times), the figures of
 * which the tests work out by hand. Monday 3 March 2025 (UTC; New York is UTC-5 that week).
 *
 * A  rush, dtg 3        created Mon 09:00, paid 09:00, approved 12:00, started Tue 09:00, ready Tue 21:00
 * B  standard, screen 10 + dtg 2
 *                       created Mon 09:30, paid 10:00, approved Tue 10:00, started Thu 10:00, ready Mon 10th 12:00 (late)
 * C  standard, embroidery 4
 *                       created Mon 07:00, paid 08:00, hold Tue 08:00 "Artwork unclear", released Wed 08:00,
 *                       approved Wed 09:00, started Fri 09:00, ready Sat 20:00 (on time only because the hold is excluded)
 * D  created on hold "Awaiting proof", screen 6: created Mon 20:00, paid Tue 09:00 (the hold counts from here),
 *                       released to rush Tue 15:00, approved 16:00, started Wed 09:00, ready Thu 12:00
 * E  standard, dtg 1    created Thu 02:00 (Wed 21:00 in New York), paid 02:30, hold 03:00 "Customer asked to wait",
 *                       canceled 15:00 (the hold ends there)
 */
export const IDS = {
  A: '00000000-0000-4000-8000-00000000000a',
  B: '00000000-0000-4000-8000-00000000000b',
  C: '00000000-0000-4000-8000-00000000000c',
  D: '00000000-0000-4000-8000-00000000000d',
  E: '00000000-0000-4000-8000-00000000000e',
} as const;

const operator = { type: 'operator', id: '00000000-0000-4000-8000-0000000000ff' } as const;
const stripe = { type: 'stripe', id: 'stripe' } as const;

/** `d` is the day of March 2025, `hm` the UTC time. */
export const at = (d: number, hm: string): string => `2025-03-${String(d).padStart(2, '0')}T${hm}:00.000Z`;

export function created(
  orderId: string,
  when: string,
  priority: Priority,
  items: readonly [Technique, number][],
  holdReason: string | null = null,
): OrderEvent {
  return {
    type: 'OrderCreated',
    orderId,
    actor: { type: 'customer', id: '00000000-0000-4000-8000-0000000000cc' },
    at: when,
    reference: `PO-${orderId.slice(-6)}`,
    userId: '00000000-0000-4000-8000-0000000000cc',
    projectId: null,
    garment: {
      id: 'classic-tee',
      title: 'Classic Cotton Tee',
      priceCents: 1800,
      sizes: ['S', 'M', 'L'],
      imageUrl: null,
    },
    designUrl: 'https://cdn.example.com/design.png',
    prompt: null,
    notes: null,
    priority,
    holdReason,
    lineItems: items.map(([technique, quantity], n) => ({
      id: `${orderId.slice(0, -2)}${n}0`,
      size: 'M',
      quantity,
      technique,
      unitPriceCents: 1800,
    })),
    totalCents: items.reduce((sum, [, quantity]) => sum + quantity * 1800, 0),
    currency: 'usd',
    metadata: {},
  };
}

export const paid = (orderId: string, when: string): OrderEvent => ({
  type: 'PaymentConfirmed',
  orderId,
  actor: stripe,
  at: when,
  sessionId: `cs_${orderId}`,
  paymentIntentId: null,
  amountCents: 0,
  currency: 'usd',
  stripeEventId: null,
});
export const approved = (orderId: string, when: string): OrderEvent => ({
  type: 'SpecApproved',
  orderId,
  actor: operator,
  at: when,
  message: null,
});
export const started = (orderId: string, when: string): OrderEvent => ({
  type: 'ProductionStarted',
  orderId,
  actor: operator,
  at: when,
  message: null,
});
export const fulfilled = (orderId: string, when: string): OrderEvent => ({
  type: 'OrderFulfilled',
  orderId,
  actor: operator,
  at: when,
  message: null,
  trackingNumber: null,
  trackingUrl: null,
  carrier: null,
});
export const canceled = (orderId: string, when: string): OrderEvent => ({
  type: 'OrderCanceled',
  orderId,
  actor: operator,
  at: when,
  reason: 'asked',
  refundDue: true,
});
export const priority = (
  orderId: string,
  when: string,
  from: Priority,
  to: Priority,
  reason: string | null = null,
): OrderEvent => ({
  type: 'PriorityChanged',
  orderId,
  actor: operator,
  at: when,
  from,
  to,
  reason,
});
export const message = (orderId: string, when: string): OrderEvent => ({
  type: 'MessagePosted',
  orderId,
  actor: operator,
  at: when,
  message: 'hello',
});

export const ORDERS: Readonly<Record<keyof typeof IDS, readonly OrderEvent[]>> = {
  A: [
    created(IDS.A, at(3, '09:00'), 'rush', [['dtg', 3]]),
    paid(IDS.A, at(3, '09:00')),
    approved(IDS.A, at(3, '12:00')),
    started(IDS.A, at(4, '09:00')),
    fulfilled(IDS.A, at(4, '21:00')),
  ],
  B: [
    created(IDS.B, at(3, '09:30'), 'standard', [
      ['screen', 10],
      ['dtg', 2],
    ]),
    paid(IDS.B, at(3, '10:00')),
    approved(IDS.B, at(4, '10:00')),
    started(IDS.B, at(6, '10:00')),
    message(IDS.B, at(7, '10:00')),
    fulfilled(IDS.B, at(10, '12:00')),
  ],
  C: [
    created(IDS.C, at(3, '07:00'), 'standard', [['embroidery', 4]]),
    paid(IDS.C, at(3, '08:00')),
    priority(IDS.C, at(4, '08:00'), 'standard', 'hold', 'Artwork unclear'),
    priority(IDS.C, at(5, '08:00'), 'hold', 'standard'),
    approved(IDS.C, at(5, '09:00')),
    started(IDS.C, at(7, '09:00')),
    fulfilled(IDS.C, at(8, '20:00')),
  ],
  D: [
    created(IDS.D, at(3, '20:00'), 'hold', [['screen', 6]], 'Awaiting proof'),
    paid(IDS.D, at(4, '09:00')),
    priority(IDS.D, at(4, '15:00'), 'hold', 'rush'),
    approved(IDS.D, at(4, '16:00')),
    started(IDS.D, at(5, '09:00')),
    fulfilled(IDS.D, at(6, '12:00')),
  ],
  E: [
    created(IDS.E, at(6, '02:00'), 'standard', [['dtg', 1]]),
    paid(IDS.E, at(6, '02:30')),
    priority(IDS.E, at(6, '03:00'), 'standard', 'hold', 'Customer asked to wait'),
    canceled(IDS.E, at(6, '15:00')),
  ],
};

/** Every order's events with their stream versions, interleaved by time as `$all` would hold them. */
export function allEvents(): VersionedOrderEvent[] {
  return Object.values(ORDERS)
    .flatMap((events) => events.map((event, index) => ({ version: index + 1, event })))
    .sort((a, b) => a.event.at.localeCompare(b.event.at));
}

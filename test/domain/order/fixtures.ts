import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { AppError, type ErrorCode } from '../../../src/domain/errors.ts';
import {
  decide,
  foldOrder,
  type Actor,
  type CreateOrder,
  type GarmentSnapshot,
  type Order,
  type OrderCanceled,
  type OrderCommand,
  type OrderEvent,
  type Priority,
} from '../../../src/domain/order/index.ts';

/** A fixed start instant; tests move time with `hoursLater`. */
export const T0 = new Date('2025-03-03T09:00:00.000Z');
export const hoursLater = (hours: number): Date => new Date(T0.getTime() + hours * 3_600_000);
export const iso = (hours: number): string => hoursLater(hours).toISOString();

export const ORDER_ID = randomUUID();
export const owner: Actor = { type: 'customer', id: randomUUID() };
export const otherCustomer: Actor = { type: 'customer', id: randomUUID() };
export const operator: Actor = { type: 'operator', id: randomUUID() };
export const stripe: Actor = { type: 'stripe', id: 'stripe' };
export const system: Actor = { type: 'system', id: 'checkout' };

export const GARMENT: GarmentSnapshot = {
  id: 'tee-classic',
  title: 'Classic Tee',
  priceCents: 1850,
  sizes: ['S', 'M', 'L', 'XL'],
  imageUrl: 'https://cdn.example.com/tee.png',
};
/** 3 × M dtg + 2 × L screen at 18.50 = 92.50. */
export const TOTAL_CENTS = 9250;
export const LINE_ITEM_IDS = [randomUUID(), randomUUID(), randomUUID()];
export const HOLD_REASON = 'Artwork needs a check';

export const createCommand = (overrides: Partial<CreateOrder> = {}): CreateOrder => ({
  type: 'CreateOrder',
  orderId: ORDER_ID,
  actor: owner,
  now: T0,
  reference: 'PO-000042',
  garmentId: GARMENT.id,
  garment: GARMENT,
  designUrl: 'https://cdn.example.com/designs/fox.png',
  sizes: [
    { size: 'M', quantity: 3 },
    { size: 'L', quantity: 2, technique: 'screen' },
  ],
  lineItemIds: LINE_ITEM_IDS,
  ...overrides,
});

const base = (actor: Actor, hours: number) => ({ orderId: ORDER_ID, actor, at: iso(hours) });

/** Hand-written events, to build histories without going through `decide`. */
export const ev = {
  created: (priority: Priority = 'standard'): OrderEvent => ({
    type: 'OrderCreated',
    ...base(owner, 0),
    reference: 'PO-000042',
    userId: owner.id,
    projectId: null,
    garment: GARMENT,
    designUrl: 'https://cdn.example.com/designs/fox.png',
    prompt: null,
    notes: null,
    priority,
    holdReason: priority === 'hold' ? HOLD_REASON : null,
    lineItems: [
      { id: LINE_ITEM_IDS[0]!, size: 'M', quantity: 3, technique: 'dtg', unitPriceCents: 1850 },
      { id: LINE_ITEM_IDS[1]!, size: 'L', quantity: 2, technique: 'screen', unitPriceCents: 1850 },
    ],
    totalCents: TOTAL_CENTS,
    currency: 'usd',
    metadata: {},
  }),
  checkoutOpened: (hours = 0): OrderEvent => ({
    type: 'CheckoutSessionOpened',
    ...base(owner, hours),
    sessionId: 'cs_1',
    checkoutUrl: 'https://checkout.example.com/cs_1',
    simulated: true,
  }),
  paid: (hours = 1): OrderEvent => ({
    type: 'PaymentConfirmed',
    ...base(stripe, hours),
    sessionId: 'cs_1',
    paymentIntentId: 'pi_1',
    amountCents: TOTAL_CENTS,
    currency: 'usd',
    stripeEventId: 'evt_paid',
  }),
  priority: (
    from: Priority,
    to: Priority,
    hours: number,
    reason: string | null = to === 'hold' ? HOLD_REASON : null,
  ): OrderEvent => ({ type: 'PriorityChanged', ...base(operator, hours), from, to, reason }),
  approved: (hours = 2): OrderEvent => ({ type: 'SpecApproved', ...base(operator, hours), message: null }),
  started: (hours = 3): OrderEvent => ({ type: 'ProductionStarted', ...base(operator, hours), message: null }),
  fulfilled: (hours = 4): OrderEvent => ({
    type: 'OrderFulfilled',
    ...base(operator, hours),
    message: null,
    trackingNumber: null,
    trackingUrl: null,
    carrier: null,
  }),
  canceled: (actor: Actor, refundDue: boolean, hours = 5): OrderCanceled => ({
    type: 'OrderCanceled',
    ...base(actor, hours),
    reason: 'changed plans',
    refundDue,
  }),
};

/** The lifecycle states the matrix walks, each as a history of events (`·hold`: priority hold). */
export const HISTORIES = {
  draft: [ev.created()],
  'draft·hold': [ev.created('hold')],
  submitted: [ev.created(), ev.checkoutOpened(), ev.paid()],
  'submitted·hold': [ev.created(), ev.checkoutOpened(), ev.paid(), ev.priority('standard', 'hold', 1.5)],
  approved: [ev.created(), ev.checkoutOpened(), ev.paid(), ev.approved()],
  'approved·hold': [ev.created(), ev.checkoutOpened(), ev.paid(), ev.approved(), ev.priority('standard', 'hold', 2.5)],
  in_production: [ev.created(), ev.checkoutOpened(), ev.paid(), ev.approved(), ev.started()],
  'in_production·hold': [
    ev.created(),
    ev.checkoutOpened(),
    ev.paid(),
    ev.approved(),
    ev.started(),
    ev.priority('standard', 'hold', 3.5),
  ],
  fulfilled: [ev.created(), ev.checkoutOpened(), ev.paid(), ev.approved(), ev.started(), ev.fulfilled()],
  canceled: [ev.created(), ev.canceled(owner, false)],
  'canceled·paid': [ev.created(), ev.checkoutOpened(), ev.paid(), ev.canceled(operator, true)],
  'canceled·hold': [
    ev.created(),
    ev.checkoutOpened(),
    ev.paid(),
    ev.priority('standard', 'hold', 1.5),
    ev.canceled(operator, true),
  ],
} satisfies Record<string, OrderEvent[]>;
export type StateName = keyof typeof HISTORIES;
export const STATE_NAMES = Object.keys(HISTORIES) as StateName[];

export const stateOf = (name: StateName): Order => {
  const state = foldOrder(HISTORIES[name]);
  if (!state) throw new Error(`history ${name} builds no order`);
  return state;
};

/** The outcome of deciding: the event types, or the error code. */
export function outcomeOf(command: OrderCommand, state: Order | null): string {
  try {
    const events = decide(command, state);
    return events.length === 0 ? '[]' : events.map((e) => e.type).join(',');
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

/** Emmett-style specification: given these events, when this command, then these events or that error. */
export function given(...history: OrderEvent[]) {
  const state = foldOrder(history);
  return {
    state,
    when(command: OrderCommand) {
      return {
        then(expected: OrderEvent[]): void {
          expect(decide(command, state)).toEqual(expected);
        },
        thenNothing(): void {
          expect(decide(command, state)).toEqual([]);
        },
        thenThrows(code: ErrorCode, message?: string | RegExp): AppError {
          let caught: unknown;
          try {
            decide(command, state);
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(AppError);
          const appError = caught as AppError;
          expect(appError.code).toBe(code);
          if (message !== undefined) expect(appError.message).toMatch(message);
          return appError;
        },
      };
    },
  };
}

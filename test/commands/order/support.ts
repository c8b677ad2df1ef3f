import { randomBytes, randomUUID } from 'node:crypto';
import type { EventStore } from '../../../src/eventstore/eventStore.ts';
import {
  createInMemoryGarmentCatalog,
  createOrderCommands,
  createPostgresReferenceAllocator,
  type CreateOrderInput,
  type OrderCommands,
} from '../../../src/commands/order/index.ts';
import { orderStreamId, type Actor, type GarmentSnapshot, type OrderEvent } from '../../../src/domain/order/index.ts';
import { toOrderEvent } from '../../../src/commands/order/index.ts';
import { expect } from 'vitest';
import { AppError, type ErrorCode } from '../../../src/domain/errors.ts';
import { eventStoreFixture, type TestDatabase } from '../../support/db.ts';

export const GARMENT: GarmentSnapshot = {
  id: 'classic-tee',
  title: 'Classic Cotton Tee',
  priceCents: 1800,
  sizes: ['S', 'M', 'L', 'XL'],
  imageUrl: null,
};
/** 2 × M + 3 × L at 18.00. */
export const TOTAL_CENTS = 9000;

export const customer = (): Actor => ({ type: 'customer', id: randomUUID() });
export const operator: Actor = { type: 'operator', id: randomUUID() };
export { STRIPE_ACTOR as stripe } from '../../support/paid-order.ts';
export { CHECKOUT_ACTOR as system } from '../../../src/payments/checkout.ts';

export const orderInput = (overrides: Partial<CreateOrderInput> = {}): CreateOrderInput => ({
  garmentId: GARMENT.id,
  designUrl: 'https://cdn.example.com/designs/fox.png',
  sizes: [
    { size: 'M', quantity: 2 },
    { size: 'L', quantity: 3 },
  ],
  ...overrides,
});

/** A fake clock the test moves by hand. */
export function fakeClock(start = new Date('2025-03-03T09:00:00.000Z')) {
  let nowMs = start.getTime();
  return { now: () => new Date(nowMs), advanceHours: (hours: number) => void (nowMs += hours * 3_600_000) };
}

export interface Harness {
  readonly db: TestDatabase;
  readonly store: EventStore;
  readonly orders: OrderCommands;
  readonly clock: ReturnType<typeof fakeClock>;
  /** The installation secret `orders` was given. */
  readonly idSecret: Uint8Array;
  /** The order's events as stored, in stream order, with their versions. */
  stored(orderId: string): Promise<{ version: number; events: { streamVersion: number; event: OrderEvent | null }[] }>;
  close(): Promise<void>;
}

/** The order service on a real PostgreSQL event store in a fresh database. */
export async function orderHarness(): Promise<Harness> {
  const { db, store, ...fixture } = await eventStoreFixture();
  const clock = fakeClock();
  // One installation: a second service over this store (another process) must be given the same secret.
  const idSecret = randomBytes(32);
  const orders = createOrderCommands({
    eventStore: store,
    references: createPostgresReferenceAllocator(db.pool),
    garments: createInMemoryGarmentCatalog([GARMENT]),
    clock,
    idSecret,
  });
  return {
    db,
    store,
    orders,
    clock,
    idSecret,
    async stored(orderId) {
      const { version, events } = await store.readStream(orderStreamId(orderId));
      return { version, events: events.map((e) => ({ streamVersion: e.streamVersion, event: toOrderEvent(e) })) };
    },
    close: () => fixture.close(),
  };
}

/** The code of the AppError `promise` is refused with (the test fails if it is not refused so). */
export async function refusal(promise: Promise<unknown>): Promise<ErrorCode> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

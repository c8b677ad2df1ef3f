import { randomBytes, randomUUID } from 'node:crypto';
import { CommandHandler } from '@event-driven-io/emmett';
import type { PostgresEventStore as EmmettStore } from '@event-driven-io/emmett-postgresql';
import type { EventStore } from '../../src/eventstore/eventStore.ts';
import { handleCommand } from '../../src/commands/handleCommand.ts';
import { StateCache } from '../../src/commands/stateCache.ts';
import {
  createInMemoryGarmentCatalog,
  createInMemoryReferenceAllocator,
  createOrderCommands,
} from '../../src/commands/order/index.ts';
import {
  decide,
  evolve,
  initialState,
  orderStreamId,
  type Actor,
  type GarmentSnapshot,
  type OrderCommand,
  type OrderEvent,
  type OrderStreamState,
} from '../../src/domain/order/index.ts';

/**
 * A whole order life per worker, over and over: create, open checkout, confirm payment, approve,
 * start production, fulfil. Six commands, each loading the order's stream (1 to 5 events),
 * deciding with the real order rules and appending at the version read.
 */
const GARMENT: GarmentSnapshot = {
  id: 'tee-classic',
  title: 'Classic Tee',
  priceCents: 1850,
  sizes: ['S', 'M', 'L'],
  imageUrl: null,
};
const STEPS = 6;
const operator: Actor = { type: 'operator', id: randomUUID() };
const stripe: Actor = { type: 'stripe', id: 'stripe' };
const system: Actor = { type: 'system', id: 'checkout' };
const STATUSES = ['approved', 'in_production', 'fulfilled'] as const;

interface Life {
  step: number;
  orderId: string;
  totalCents: number;
  customer: Actor;
}

const lives = () => {
  const byWorker = new Map<number, Life>();
  return (worker: number): Life => {
    let life = byWorker.get(worker);
    if (!life || life.step === STEPS) {
      life = { step: 0, orderId: randomUUID(), totalCents: 0, customer: { type: 'customer', id: randomUUID() } };
      byWorker.set(worker, life);
    }
    return life;
  };
};

const sessionOf = (orderId: string): string => `cs_bench_${orderId}`;

/** Ours: the order command service over our store (as the API calls it). */
export function ourOrderLives(store: EventStore) {
  const orders = createOrderCommands({
    eventStore: store,
    references: createInMemoryReferenceAllocator(),
    garments: createInMemoryGarmentCatalog([GARMENT]),
    idSecret: randomBytes(32),
  });
  const lifeOf = lives();
  return async (worker: number): Promise<void> => {
    const life = lifeOf(worker);
    const { orderId } = life;
    if (life.step === 0) {
      const created = await orders.createOrder(
        { garmentId: GARMENT.id, designUrl: 'https://cdn.example/design.png', sizes: [{ size: 'M', quantity: 12 }] },
        { actor: life.customer },
      );
      life.orderId = created.orderId;
      life.totalCents = created.state.totalCents;
    } else if (life.step === 1) {
      await orders.openCheckoutSession(
        orderId,
        { sessionId: sessionOf(orderId), checkoutUrl: `https://pay.example/${orderId}`, simulated: true },
        { actor: system },
      );
    } else if (life.step === 2) {
      await orders.confirmPayment(
        orderId,
        {
          sessionId: sessionOf(orderId),
          paymentIntentId: null,
          amountCents: life.totalCents,
          currency: 'usd',
          stripeEventId: `evt_${orderId}`,
        },
        { actor: stripe },
      );
    } else {
      await orders.setOrderStatus(orderId, { status: STATUSES[life.step - 3]! }, { actor: operator });
    }
    life.step += 1;
  };
}

type EmmettOrderEvent = { type: OrderEvent['type']; data: Record<string, unknown> };

/** The command a life's current step sends, built as the order service would build it. */
function commandBuilder() {
  let reference = 0;
  return (life: Life): OrderCommand => {
    const { orderId } = life;
    const now = new Date();
    if (life.step === 0) {
      const reference_ = `PO-${String(++reference).padStart(6, '0')}`;
      return {
        type: 'CreateOrder',
        orderId,
        actor: life.customer,
        now,
        reference: reference_,
        garmentId: GARMENT.id,
        garment: GARMENT,
        designUrl: 'https://cdn.example/design.png',
        sizes: [{ size: 'M', quantity: 12 }],
        lineItemIds: [randomUUID()],
      };
    }
    if (life.step === 1)
      return {
        type: 'OpenCheckoutSession',
        orderId,
        actor: system,
        now,
        sessionId: sessionOf(orderId),
        checkoutUrl: `https://pay.example/${orderId}`,
        simulated: true,
      };
    if (life.step === 2)
      return {
        type: 'ConfirmPayment',
        orderId,
        actor: stripe,
        now,
        sessionId: sessionOf(orderId),
        paymentIntentId: null,
        amountCents: life.totalCents,
        currency: 'usd',
        stripeEventId: `evt_${orderId}`,
      };
    return { type: 'SetOrderStatus', orderId, actor: operator, now, to: STATUSES[life.step - 3]! };
  };
}

/** The peer: Emmett's CommandHandler on its PostgreSQL store, deciding with the same order rules. */
export function emmettOrderLives(store: EmmettStore) {
  const handle = CommandHandler<OrderStreamState, EmmettOrderEvent>({
    evolve: (state, event) => evolve(state, { ...event.data, type: event.type } as OrderEvent),
    initialState,
  });
  const lifeOf = lives();
  const commandOf = commandBuilder();
  return async (worker: number): Promise<void> => {
    const life = lifeOf(worker);
    const command = commandOf(life);
    const result = await handle(store, orderStreamId(life.orderId), (state) =>
      decide(command, state).map(({ type, ...data }) => ({ type, data })),
    );
    if (life.step === 0) life.totalCents = result.newState?.totalCents ?? 0;
    life.step += 1;
  };
}

/** Ours through the generic `handleCommand` with the order decider and its in-process state cache. */
export function ourCachedOrderLives(store: EventStore) {
  const decider = { decide, evolve, initialState };
  const cache = new StateCache<OrderStreamState>();
  const lifeOf = lives();
  const commandOf = commandBuilder();
  return async (worker: number): Promise<void> => {
    const life = lifeOf(worker);
    const result = await handleCommand(store, orderStreamId(life.orderId), decider, commandOf(life), { cache });
    if (life.step === 0) life.totalCents = result.state?.totalCents ?? 0;
    life.step += 1;
  };
}

import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  createOrderCommands,
  createPostgresGarmentCatalog,
  createPostgresReferenceAllocator,
} from '../../src/commands/order/index.ts';
import { DAY_MS, type Actor, type SizeRequest } from '../../src/domain/order/index.ts';
import type { EventStore } from '../../src/eventstore/eventStore.ts';
import { shopDay } from '../../src/projections/metrics/zone.ts';
import { placePaidOrder } from './paid-order.ts';

export const HOUR_MS = DAY_MS / 24;

/** An order as the board tests want it: paid some time ago, moved to a stage, maybe held (times relative to now). */
export interface BoardOrderSpec {
  readonly priority: 'rush' | 'standard';
  readonly paidAgoMs: number;
  readonly stage: 'submitted' | 'approved' | 'in_production' | 'fulfilled';
  readonly sizes: readonly SizeRequest[];
  /** Held this long ago (after its moves), with this reason; released `releasedAgoMs` ago when given. */
  readonly hold?: { readonly agoMs: number; readonly reason: string; readonly releasedAgoMs?: number };
  /** Fulfilled this long ago (stage `fulfilled`); default a minute after its last move. */
  readonly fulfilledAgoMs?: number;
  /** Fulfilled at this instant (epoch ms), instead of `fulfilledAgoMs`. */
  readonly fulfilledAtMs?: number;
}

const STEPS = ['approved', 'in_production', 'fulfilled'] as const;
const operator: Actor = { type: 'operator', id: '5a1e0000-0000-4000-8000-00000000a0b0' };

/**
 * Seeds orders with known event times: a command service of its own on the server's event store,
 * on a clock the seeder sets before each command (the events carry its instant, and the read
 * model's promise clock folds from them, exactly as for live orders).
 */
export function boardSeeder(eventStore: EventStore, pool: pg.Pool) {
  let at = new Date();
  const commands = createOrderCommands({
    eventStore,
    references: createPostgresReferenceAllocator(pool),
    garments: createPostgresGarmentCatalog(pool),
    idSecret: randomBytes(32),
    clock: { now: () => at },
  });
  return async function seed(spec: BoardOrderSpec): Promise<string> {
    const now = Date.now();
    const paidAt = now - spec.paidAgoMs;
    at = new Date(paidAt - 60_000);
    const { orderId: id } = await placePaidOrder(
      commands,
      {
        garmentId: 'classic-tee',
        designUrl: 'https://designs.example.com/owl.svg',
        sizes: spec.sizes,
        priority: spec.priority,
      },
      { beforePayment: () => void (at = new Date(paidAt)) },
    );
    const steps = STEPS.slice(0, STEPS.indexOf(spec.stage as (typeof STEPS)[number]) + 1);
    for (const [index, status] of steps.entries()) {
      const fulfilledAt =
        spec.fulfilledAtMs ?? (spec.fulfilledAgoMs === undefined ? undefined : now - spec.fulfilledAgoMs);
      at =
        status === 'fulfilled' && fulfilledAt !== undefined
          ? new Date(fulfilledAt)
          : new Date(paidAt + (index + 1) * 60_000);
      await commands.setOrderStatus(id, { status }, { actor: operator });
    }
    if (spec.hold) {
      at = new Date(now - spec.hold.agoMs);
      await commands.setPriority(id, { priority: 'hold', reason: spec.hold.reason }, { actor: operator });
      if (spec.hold.releasedAgoMs !== undefined) {
        at = new Date(now - spec.hold.releasedAgoMs);
        await commands.setPriority(id, { priority: spec.priority }, { actor: operator });
      }
    }
    return id;
  };
}

/**
 * The first instant (epoch ms) of the shop's calendar day that holds `instant` in `timeZone`: the
 * day boundary searched to the millisecond with `shopDay`, the metrics' one definition of the
 * shop's day (a day lasts 23 to 25 hours, so two days back is always an earlier day).
 */
export function shopDayStart(instant: number, timeZone: string): number {
  const day = shopDay(instant, timeZone);
  let before = instant - 2 * DAY_MS;
  let within = instant;
  while (within - before > 1) {
    const middle = Math.floor((before + within) / 2);
    if (shopDay(middle, timeZone) === day) within = middle;
    else before = middle;
  }
  return within;
}

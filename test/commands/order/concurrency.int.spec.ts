import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { OrderCommandResult } from '../../../src/commands/order/index.ts';
import { isAppError } from '../../../src/domain/errors.ts';
import type { OrderEvent } from '../../../src/domain/order/index.ts';
import { payOrder } from '../../support/paid-order.ts';
import { perSuite } from '../../support/suite.ts';
import { customer, operator, orderHarness, orderInput, TOTAL_CENTS } from './support.ts';

/**
 * 50 writers issue 2,000 commands across 20 orders (valid and invalid, with and without expected
 * versions), then what each caller was told is compared with what the store holds.
 */
const WRITERS = 50;
const COMMANDS = 2000;
const ORDERS = 20;
const SETUP_EVENTS = 3;

/** A small seeded generator, so a failure can be run again the same way. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Outcome =
  | { kind: 'accepted'; orderId: string; result: OrderCommandResult }
  | { kind: 'rejected'; code: string; versioned: boolean }
  | { kind: 'unexpected'; error: unknown };
/** The plans that name an expected version; only these may be told VERSION_CONFLICT. */
const isVersioned = ({ roll, flip }: { roll: number; flip: number }): boolean =>
  (roll >= 0.3 && roll < 0.4) || (roll >= 0.62 && roll < 0.75 && flip < 0.5) || (roll >= 0.9 && roll < 0.95);
const NEXT_STEP = { submitted: 'approved', approved: 'in_production', in_production: 'fulfilled' } as const;

const h = perSuite(orderHarness);

describe('the order command service under 50 concurrent writers', () => {
  it('keeps every stream contiguous and every caller told the truth', async () => {
    const orderIds: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const { orderId } = await h.orders.createOrder(orderInput(), { actor: customer() });
      await payOrder(h.orders, orderId, TOTAL_CENTS, { paymentIntentId: null });
      orderIds.push(orderId);
    }

    const random = mulberry32(20250303);
    const plans = Array.from({ length: COMMANDS }, (_, i) => ({
      i,
      orderId: orderIds[Math.floor(random() * ORDERS)]!,
      roll: random(),
      flip: random(),
    }));

    /** Commands by share: mostly valid, some refused by rules, some racing on a version read just before. */
    async function issue({ i, orderId, roll, flip }: (typeof plans)[number]): Promise<OrderCommandResult> {
      const o = h.orders;
      if (roll < 0.3) return o.postMessage(orderId, { message: `note ${i}` }, { actor: operator });
      if (roll < 0.4)
        return o.postMessage(
          orderId,
          { message: `versioned ${i}` },
          { actor: operator, expectedVersion: (await o.load(orderId)).version },
        );
      if (roll < 0.5) return o.updateNotes(orderId, { notes: `notes ${i}` }, { actor: operator });
      if (roll < 0.62) {
        const priority = flip < 0.45 ? 'rush' : flip < 0.9 ? 'standard' : 'hold';
        return o.setPriority(
          orderId,
          { priority, reason: priority === 'hold' ? `held ${i}` : null },
          { actor: operator },
        );
      }
      if (roll < 0.75) {
        const { state, version } = await o.load(orderId);
        const status =
          state && state.orderStatus in NEXT_STEP ? NEXT_STEP[state.orderStatus as keyof typeof NEXT_STEP] : 'approved';
        return o.setOrderStatus(
          orderId,
          { status },
          { actor: operator, ...(isVersioned({ roll, flip }) ? { expectedVersion: version } : {}) },
        );
      }
      if (roll < 0.8) return o.setOrderStatus(orderId, { status: 'submitted' }, { actor: operator });
      if (roll < 0.85) return o.postMessage(orderId, { message: '   ' }, { actor: operator });
      if (roll < 0.9) return o.cancelOrder(orderId, { reason: null }, { actor: customer() });
      if (roll < 0.95) return o.updateNotes(orderId, { notes: `stale ${i}` }, { actor: operator, expectedVersion: 1 });
      return o.postMessage(
        orderId,
        { message: `keyed ${i % 40}` },
        { actor: operator, idempotencyKey: `msg-${i % 40}` },
      );
    }

    const outcomes: Outcome[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let plan = plans[next++]; plan; plan = plans[next++]) {
          try {
            outcomes.push({ kind: 'accepted', orderId: plan.orderId, result: await issue(plan) });
          } catch (error) {
            outcomes.push(
              isAppError(error)
                ? { kind: 'rejected', code: error.code, versioned: isVersioned(plan) }
                : { kind: 'unexpected', error },
            );
          }
        }
      }),
    );
    const elapsedMs = performance.now() - started;

    expect(outcomes.filter((o) => o.kind === 'unexpected')).toEqual([]);
    const accepted = outcomes.flatMap((o) => (o.kind === 'accepted' ? [o] : []));
    const rejected = outcomes.flatMap((o) => (o.kind === 'rejected' ? [o.code] : []));
    expect(accepted.length + rejected.length).toBe(COMMANDS);
    // Without an expected version a lost race is retried, never reported.
    expect(outcomes.filter((o) => o.kind === 'rejected' && o.code === 'VERSION_CONFLICT' && !o.versioned)).toEqual([]);
    // Every kind of refusal happened, so the run really mixed valid, invalid and racing commands.
    expect(new Set(rejected)).toEqual(
      new Set(['VERSION_CONFLICT', 'ILLEGAL_TRANSITION', 'BAD_USER_INPUT', 'NOT_FOUND', 'ORDER_ON_HOLD']),
    );

    // What each accepted caller was told, by (order, version): claimed once, and equal to what is stored.
    // A repeated key is told the first answer: it claims nothing new, but must match the first.
    const claims = new Map<string, OrderEvent>();
    const versionsOf = (orderId: string, result: OrderCommandResult) =>
      result.events.map((event, index) => ({
        key: `${orderId}:${result.version - result.events.length + 1 + index}`,
        event,
      }));
    for (const { orderId, result } of accepted.filter((a) => !a.result.replayed)) {
      for (const { key, event } of versionsOf(orderId, result)) {
        expect(claims.has(key), `version claimed twice: ${key}`).toBe(false);
        claims.set(key, event);
      }
    }
    const replays = accepted.filter((a) => a.result.replayed);
    expect(replays.length).toBeGreaterThan(0);
    for (const { orderId, result } of replays) {
      for (const { key, event } of versionsOf(orderId, result)) expect(claims.get(key)).toEqual(event);
    }
    let storedAfterSetup = 0;
    for (const orderId of orderIds) {
      const { version, events } = await h.stored(orderId);
      expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
      for (const { streamVersion, event } of events.slice(SETUP_EVENTS)) {
        storedAfterSetup++;
        const told = claims.get(`${orderId}:${streamVersion}`);
        expect(
          told !== undefined && isDeepStrictEqual(told, event),
          `${orderId} v${streamVersion} stored but not told as written`,
        ).toBe(true);
      }
      const steps = events
        .map((e) => e.event?.type)
        .filter((t) => t === 'SpecApproved' || t === 'ProductionStarted' || t === 'OrderFulfilled');
      expect(['SpecApproved', 'ProductionStarted', 'OrderFulfilled'].slice(0, steps.length)).toEqual(steps);
    }
    expect(storedAfterSetup).toBe(claims.size);
    expect(accepted.filter((a) => !a.result.replayed).reduce((sum, { result }) => sum + result.events.length, 0)).toBe(
      claims.size,
    );

    const counts = new Map<string, number>();
    for (const code of rejected) counts.set(code, (counts.get(code) ?? 0) + 1);
    const byCode = [...counts].map(([code, n]) => `${code} ${n}`).join(', ');
    console.error(`[order-concurrency] rejected: ${byCode}`);
    console.error(
      `[order-concurrency] ${COMMANDS} commands, ${WRITERS} writers, ${ORDERS} orders: ${accepted.length} accepted, ${rejected.length} rejected, ${claims.size} events in ${elapsedMs.toFixed(0)} ms (${((COMMANDS / elapsedMs) * 1000).toFixed(0)} commands/s)`,
    );
  });
});

import type { Priority } from './events.ts';

/**
 * The ETA promise clock (contract rule 4), as plain data so the read model can keep it beside
 * the order and compute `etaDays` at read time with the same function.
 *
 * - The clock starts at payment: the promise is `paidAt + tier days + time spent on hold`.
 * - Hold pauses it: `etaAt` is null and the time left is frozen; release resumes it, so the new
 *   `etaAt` is the release time plus the time that was left.
 * - Rush ↔ standard moves the promise to `paidAt + new tier days + time spent on hold`.
 * - Before payment `etaAt` is null and `etaDays` is the tier's nominal days. An order created on
 *   hold has the standard tier until an operator releases it to rush, so it shows 5 days; hold
 *   time before payment does not count, since the clock has not started.
 * - Fulfilment or cancelation stops it for good: `etaAt` null, `etaDays` 0.
 */

export type Tier = 'rush' | 'standard';
export const TIER_DAYS: Readonly<Record<Tier, number>> = { rush: 2, standard: 5 };
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface EtaClock {
  /** The promise tier; hold keeps the tier it paused. */
  readonly tier: Tier;
  readonly onHold: boolean;
  /** Epoch ms of the payment, null until paid. */
  readonly paidAtMs: number | null;
  /** Epoch ms since when the started clock is paused (on hold after payment), else null. */
  readonly pausedAtMs: number | null;
  /** Total ms spent on hold after payment, over the holds already released. */
  readonly heldMs: number;
  /** Epoch ms at which the clock stopped for good (fulfilled or canceled), else null. */
  readonly stoppedAtMs: number | null;
}

export interface Eta {
  /** ISO-8601 instant the order is promised ready; null while not running. */
  readonly etaAt: string | null;
  /** Whole days left, rounded up, never below 0. */
  readonly etaDays: number;
}

export function startClock(priority: Priority): EtaClock {
  return {
    tier: priority === 'rush' ? 'rush' : 'standard',
    onHold: priority === 'hold',
    paidAtMs: null,
    pausedAtMs: null,
    heldMs: 0,
    stoppedAtMs: null,
  };
}

export function clockPaid(clock: EtaClock, atMs: number): EtaClock {
  if (clock.paidAtMs !== null || clock.stoppedAtMs !== null) return clock;
  // Paid while on hold: the clock starts and pauses at the same instant.
  return { ...clock, paidAtMs: atMs, pausedAtMs: clock.onHold ? atMs : null };
}

export function clockPriorityChanged(clock: EtaClock, to: Priority, atMs: number): EtaClock {
  if (clock.stoppedAtMs !== null) return clock;
  if (to === 'hold') {
    if (clock.onHold) return clock;
    return { ...clock, onHold: true, pausedAtMs: clock.paidAtMs === null ? null : atMs };
  }
  const heldMs = clock.pausedAtMs === null ? clock.heldMs : clock.heldMs + Math.max(0, atMs - clock.pausedAtMs);
  return { ...clock, tier: to, onHold: false, pausedAtMs: null, heldMs };
}

export function clockStopped(clock: EtaClock, atMs: number): EtaClock {
  return clock.stoppedAtMs === null ? { ...clock, stoppedAtMs: atMs } : clock;
}

/** Whole days in `ms`, rounded up; nothing left (or overdue) is 0. */
export const wholeDaysLeft = (ms: number): number => (ms <= 0 ? 0 : Math.ceil(ms / DAY_MS));

export function etaOf(clock: EtaClock, now: Date): Eta {
  if (clock.stoppedAtMs !== null) return { etaAt: null, etaDays: 0 };
  if (clock.paidAtMs === null) return { etaAt: null, etaDays: TIER_DAYS[clock.tier] };
  const promisedAtMs = clock.paidAtMs + TIER_DAYS[clock.tier] * DAY_MS + clock.heldMs;
  if (clock.pausedAtMs !== null) return { etaAt: null, etaDays: wholeDaysLeft(promisedAtMs - clock.pausedAtMs) };
  return { etaAt: new Date(promisedAtMs).toISOString(), etaDays: wholeDaysLeft(promisedAtMs - now.getTime()) };
}

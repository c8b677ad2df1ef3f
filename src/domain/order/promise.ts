import { DAY_MS, TIER_DAYS, type Tier } from './eta.ts';

/**
 * How an order stands against its promise (the ETA clock, `eta.ts`), as the production board and
 * the shop's gauges count it:
 *
 * - **overdue**: past its ETA (the time left is below zero);
 * - **at risk**: less than a quarter of its promise left (a standard order's last 1.25 days, a
 *   rush order's last 12 hours);
 * - **on track**: otherwise.
 *
 * Time left is `paidAt + tier days + time on hold − now`; while on hold the clock is paused, so
 * the time left is the one frozen when the hold began (an order held overdue stays overdue). An
 * order whose clock has not started (unpaid) or has stopped (fulfilled, canceled) has no standing.
 * The read model computes it in SQL over every order from these constants
 * (`src/projections/orders/board.ts`, the one place the comparison is written).
 */
export type PromiseStanding = 'on_track' | 'at_risk' | 'overdue';
export const PROMISE_STANDINGS: readonly PromiseStanding[] = ['on_track', 'at_risk', 'overdue'];

/** At risk below this share of the promise left. */
export const AT_RISK_SHARE = 0.25;

/** The whole promise of a tier, in ms (2 or 5 days). */
export const promiseMs = (tier: Tier): number => TIER_DAYS[tier] * DAY_MS;

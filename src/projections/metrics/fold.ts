import {
  clockPaid,
  clockPriorityChanged,
  clockStopped,
  DAY_MS,
  etaOf,
  startClock,
  type EtaClock,
} from '../../domain/order/eta.ts';
import type { OrderEvent, OrderState, Priority, Technique } from '../../domain/order/events.ts';
import { ROUTE_STOPS, type RouteStopId } from '../../domain/order/labels.ts';
import { shopDay } from './zone.ts';

/**
 * The shop's figures of one order, folded from its events: the facts the metric tables hold
 * (stage entries, the completion, holds). Pure: the same events and time zone give the same
 * rows, live batch by batch or in one rebuild.
 *
 * Rules (none restated from the domain: the ETA clock is `eta.ts`'s, stages are `ROUTE_STOPS`):
 * - A stage is a route stop (`spec-review` … `ready`); the order enters one when it reaches its
 *   lifecycle state and leaves it when it enters the next one or is canceled.
 * - The promise is the domain's ETA clock when the order is fulfilled: payment + the tier's days
 *   (rush 2, standard 5, the tier it has then) + the time spent on hold after payment.
 * - A hold counts as the ETA clock counts it: from when it paused the started clock (a hold
 *   placed before payment counts from the payment) until its release or the cancelation.
 * - Technique: an order's garments are counted per technique of its line items; an order with
 *   several techniques counts once under each of them (and once in the `all` figures), so
 *   "lead time of screen orders" is that of every order with screen work in it.
 */

export type Stage = RouteStopId;
/** A technique or `all` (every order once, whatever its techniques). */
export type TechniqueKey = Technique | 'all';
/** Garments (line item quantities) per technique present in the order. */
export type Garments = Readonly<Partial<Record<Technique, number>>>;

/*
 * The fold's facts. None is a table: while open (the stage an order is in, the hold counting)
 * a fact lives in the order's state; once final it adds to the day sums (`daily.ts`), the only
 * figures the queries read. Instants are ISO-8601, days the shop's `YYYY-MM-DD`.
 */

/** An order's stay in a stage (a route stop): made when it enters, closed when it leaves. */
export interface StageEntryRow {
  readonly order_id: string;
  readonly stage: Stage;
  readonly entered_at: string;
  /** The shop's day of `entered_at`. */
  readonly entered_day: string;
  /** The priority when it entered; its leaving counts under the same one, so work in progress by priority adds up. */
  readonly priority: Priority;
  readonly garments: Garments;
  readonly left_at: string | null;
  readonly left_day: string | null;
}

/** An order made ready (fulfilled): its lead time and whether it kept its promise. */
export interface CompletionRow {
  readonly order_id: string;
  readonly paid_at: string;
  readonly ready_at: string;
  /** The shop's day of `ready_at`. */
  readonly ready_day: string;
  /** The domain's promise: payment + tier days + time on hold after payment. */
  readonly promised_at: string;
  readonly on_time: boolean;
  /** Payment to ready, holds included (the customer waited through them). */
  readonly lead_ms: number;
  /** The promise tier it was fulfilled under. */
  readonly priority: 'rush' | 'standard';
  readonly garments: Garments;
}

/** A hold, as the ETA clock counts it. */
export interface HoldRow {
  readonly order_id: string;
  readonly started_at: string;
  /** The shop's day of `started_at`: the hold's figures count on that day. */
  readonly started_day: string;
  readonly reason: string;
  readonly ended_at: string | null;
  readonly held_ms: number | null;
  readonly garments: Garments;
}

/** What the fold keeps of an order between events (plain data: a live projection may store it as JSON). */
export interface OrderMetricsState {
  readonly orderId: string;
  readonly status: OrderState;
  readonly priority: Priority;
  readonly holdReason: string | null;
  readonly garments: Garments;
  readonly clock: EtaClock;
  readonly paidAt: string | null;
  /** The stage it is in now (its entry row); null once canceled. */
  readonly stage: StageEntryRow | null;
  /** The hold counting now, if any. */
  readonly hold: HoldRow | null;
}

/** The rows an event wrote or changed (a row with the same key replaces the earlier one). */
export interface MetricRows {
  readonly stageEntries: StageEntryRow[];
  readonly completions: CompletionRow[];
  readonly holds: HoldRow[];
}

export const emptyRows = (): MetricRows => ({ stageEntries: [], completions: [], holds: [] });

/** Which lifecycle state each event moves the order to (the rest leave it where it is). */
const MOVES: Partial<Record<OrderEvent['type'], OrderState>> = {
  PaymentConfirmed: 'submitted',
  SpecApproved: 'approved',
  ProductionStarted: 'in_production',
  OrderFulfilled: 'fulfilled',
  OrderCanceled: 'canceled',
};

/** The events the figures read (a projection's `canHandle`): the rest change nothing here. */
export const METRIC_EVENT_TYPES: ReadonlySet<OrderEvent['type']> = new Set<OrderEvent['type']>([
  'OrderCreated',
  'PriorityChanged',
  ...(Object.keys(MOVES) as OrderEvent['type'][]),
]);

const stageOf = (status: OrderState): Stage | undefined => ROUTE_STOPS.find((stop) => stop.orderStatus === status)?.id;

export function garmentsOf(
  lineItems: readonly { readonly technique: Technique; readonly quantity: number }[],
): Garments {
  const garments: Partial<Record<Technique, number>> = {};
  for (const item of lineItems) garments[item.technique] = (garments[item.technique] ?? 0) + item.quantity;
  return garments;
}

/** The promise the clock holds at `atMs`: a paused clock is resumed there first, as a release would. */
function promisedAtMs(clock: EtaClock, atMs: number): number {
  const running = clock.pausedAtMs === null ? clock : clockPriorityChanged(clock, clock.tier, atMs);
  const { etaAt } = etaOf(running, new Date(atMs));
  // Never paid: no promise was made (unreachable through `decide`, which fulfils paid orders only).
  return etaAt === null ? atMs + DAY_MS : Date.parse(etaAt);
}

/**
 * Folds one event: the state after it, with the rows it wrote added to `out`. Events before
 * `OrderCreated` and events the figures do not read change nothing.
 */
export function stepMetrics(
  state: OrderMetricsState | null,
  event: OrderEvent,
  timeZone: string,
  out: MetricRows,
): OrderMetricsState | null {
  if (state === null) {
    if (event.type !== 'OrderCreated') return null;
    const garments = garmentsOf(event.lineItems);
    const entry: StageEntryRow = {
      order_id: event.orderId,
      stage: 'spec-review',
      entered_at: event.at,
      entered_day: shopDay(event.at, timeZone),
      priority: event.priority,
      garments,
      left_at: null,
      left_day: null,
    };
    out.stageEntries.push(entry);
    return {
      orderId: event.orderId,
      status: 'draft',
      priority: event.priority,
      holdReason: event.priority === 'hold' ? event.holdReason : null,
      garments,
      clock: startClock(event.priority),
      paidAt: null,
      stage: entry,
      hold: null,
    };
  }
  if (event.type === 'OrderCreated' || state.status === 'fulfilled' || state.status === 'canceled') return state;
  const atMs = Date.parse(event.at);
  let next: OrderMetricsState = state;

  if (event.type === 'PriorityChanged') {
    next = {
      ...next,
      priority: event.to,
      holdReason: event.to === 'hold' ? event.reason : null,
      clock: clockPriorityChanged(next.clock, event.to, atMs),
    };
  } else if (event.type === 'PaymentConfirmed') {
    if (next.paidAt !== null) return state;
    next = { ...next, paidAt: event.at, clock: clockPaid(next.clock, atMs) };
  } else if (event.type === 'OrderFulfilled') {
    const promised = promisedAtMs(next.clock, atMs);
    const paidAt = next.paidAt ?? event.at;
    out.completions.push({
      order_id: next.orderId,
      paid_at: paidAt,
      ready_at: event.at,
      ready_day: shopDay(event.at, timeZone),
      promised_at: new Date(promised).toISOString(),
      on_time: atMs <= promised,
      lead_ms: atMs - Date.parse(paidAt),
      priority: next.clock.tier,
      garments: next.garments,
    });
    next = { ...next, clock: clockStopped(next.clock, atMs) };
  } else if (event.type === 'OrderCanceled') {
    next = { ...next, clock: clockStopped(next.clock, atMs) };
  }

  next = holdsAfter(state, next, event, timeZone, out);

  const to = MOVES[event.type];
  if (to !== undefined && to !== next.status) {
    const left =
      next.stage === null ? null : { ...next.stage, left_at: event.at, left_day: shopDay(event.at, timeZone) };
    if (left) out.stageEntries.push(left);
    const stage = stageOf(to);
    let entry: StageEntryRow | null = null;
    if (stage !== undefined) {
      entry = {
        order_id: next.orderId,
        stage,
        entered_at: event.at,
        entered_day: shopDay(event.at, timeZone),
        priority: next.priority,
        garments: next.garments,
        left_at: null,
        left_day: null,
      };
      out.stageEntries.push(entry);
    }
    next = { ...next, status: to, stage: entry };
  }
  return next;
}

/** Opens and closes holds as the clock pauses and resumes (or stops while paused). */
function holdsAfter(
  before: OrderMetricsState,
  after: OrderMetricsState,
  event: OrderEvent,
  timeZone: string,
  out: MetricRows,
): OrderMetricsState {
  const wasPaused = before.clock.pausedAtMs !== null && before.clock.stoppedAtMs === null;
  const isPaused = after.clock.pausedAtMs !== null && after.clock.stoppedAtMs === null;
  if (wasPaused && !isPaused && after.hold !== null) {
    const endedMs = Date.parse(event.at);
    // Released: the clock added exactly this hold's time; stopped while paused: up to the stop.
    const heldMs =
      after.clock.stoppedAtMs === null
        ? after.clock.heldMs - before.clock.heldMs
        : endedMs - (before.clock.pausedAtMs ?? endedMs);
    const ended: HoldRow = { ...after.hold, ended_at: event.at, held_ms: heldMs };
    out.holds.push(ended);
    return { ...after, hold: null };
  }
  if (!wasPaused && isPaused) {
    const startedAt = new Date(after.clock.pausedAtMs ?? Date.parse(event.at)).toISOString();
    const hold: HoldRow = {
      order_id: after.orderId,
      started_at: startedAt,
      started_day: shopDay(startedAt, timeZone),
      reason: after.holdReason ?? '',
      ended_at: null,
      held_ms: null,
      garments: after.garments,
    };
    out.holds.push(hold);
    return { ...after, hold };
  }
  return after;
}

/** Keeps the last row per key, in first-written order. */
function lastByKey<R>(rows: readonly R[], key: (row: R) => string): R[] {
  const byKey = new Map<string, R>();
  for (const row of rows) byKey.set(key(row), row);
  return [...byKey.values()];
}

export const stageEntryKey = (row: StageEntryRow): string => `${row.order_id}\u0000${row.stage}`;
export const completionKey = (row: CompletionRow): string => row.order_id;
export const holdKey = (row: HoldRow): string => `${row.order_id}\u0000${row.started_at}`;

/** Rows written one after another reduced to each key's last version. */
export const latestRows = (rows: MetricRows): MetricRows => ({
  stageEntries: lastByKey(rows.stageEntries, stageEntryKey),
  completions: lastByKey(rows.completions, completionKey),
  holds: lastByKey(rows.holds, holdKey),
});

/** A whole order's rows, each in its final state. */
export function orderMetrics(events: Iterable<OrderEvent>, timeZone: string): MetricRows {
  const out = emptyRows();
  let state: OrderMetricsState | null = null;
  for (const event of events) state = stepMetrics(state, event, timeZone, out);
  return latestRows(out);
}

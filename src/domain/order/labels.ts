import { OrderStateSchema, PrioritySchema, type OrderState, type Priority } from './events.ts';

/** The label a customer sees for where the order is, as in the seed. */
export type ProductionStatus = 'Spec Review' | 'Queued' | 'Printing' | 'Finishing' | 'Ready';
export type PriorityLabel = 'Rush' | 'Standard' | 'Hold';

/** The seed's progression, in order (`lib/production/orders.ts`). */
export const STATUS_FLOW: readonly ProductionStatus[] = ['Spec Review', 'Queued', 'Printing', 'Finishing', 'Ready'];

/** The seed's mapping; a canceled order shows "Spec Review" with `canceled` set beside it. */
export const STATUS_MAP: Readonly<Record<OrderState, ProductionStatus>> = {
  draft: 'Spec Review',
  submitted: 'Queued',
  approved: 'Printing',
  in_production: 'Finishing',
  fulfilled: 'Ready',
  canceled: 'Spec Review',
};

export const ORDER_STATES: readonly OrderState[] = OrderStateSchema.options;
export const PRIORITIES: readonly Priority[] = PrioritySchema.options;

export const PRIORITY_LABELS: Readonly<Record<Priority, PriorityLabel>> = {
  rush: 'Rush',
  standard: 'Standard',
  hold: 'Hold',
};

/** `canceled` and `fulfilled` never change again. */
export const TERMINAL_STATES: readonly OrderState[] = ['fulfilled', 'canceled'];
export const isTerminal = (state: OrderState): boolean => TERMINAL_STATES.includes(state);

export type RouteStopId = 'spec-review' | 'queued' | 'printing' | 'finishing' | 'ready';
export interface RouteStop {
  readonly id: RouteStopId;
  readonly label: ProductionStatus;
  /** The lifecycle state that puts the order at this stop. */
  readonly orderStatus: OrderState;
}

/** The seed's route map (`lib/productionRouteStops.ts`), each stop tied to the state that reaches it. */
export const ROUTE_STOPS: readonly RouteStop[] = [
  { id: 'spec-review', label: 'Spec Review', orderStatus: 'draft' },
  { id: 'queued', label: 'Queued', orderStatus: 'submitted' },
  { id: 'printing', label: 'Printing', orderStatus: 'approved' },
  { id: 'finishing', label: 'Finishing', orderStatus: 'in_production' },
  { id: 'ready', label: 'Ready', orderStatus: 'fulfilled' },
];

export type RouteStopState = 'DONE' | 'CURRENT' | 'UPCOMING';
export interface RouteStopProgress extends RouteStop {
  readonly state: RouteStopState;
  readonly reachedAt: string | null;
}

/**
 * The route map for an order. The stop of the current state is CURRENT, earlier ones DONE
 * (the last one, Ready, is DONE once reached: nothing follows it). A canceled order keeps the
 * stops it reached as DONE and has no CURRENT stop: it is going nowhere.
 */
export function routeOf(
  orderStatus: OrderState,
  reachedAt: Readonly<Partial<Record<OrderState, string>>>,
): RouteStopProgress[] {
  const currentIndex = ROUTE_STOPS.findIndex((stop) => stop.orderStatus === orderStatus);
  return ROUTE_STOPS.map((stop, index) => {
    const at = reachedAt[stop.orderStatus] ?? null;
    let state: RouteStopState;
    if (orderStatus === 'canceled') state = at === null ? 'UPCOMING' : 'DONE';
    else if (index < currentIndex || (index === currentIndex && orderStatus === 'fulfilled')) state = 'DONE';
    else state = index === currentIndex ? 'CURRENT' : 'UPCOMING';
    return { ...stop, state, reachedAt: at };
  });
}

import type { OrderEventType } from '../../../../domain/order/index.ts';
import type { OrderSummaryView, TimelineEntryView } from '../../../../projections/index.ts';
import { routeView } from './types.ts';

/**
 * The timeline entries the public sees: the order's progress, cancelation, priority changes and
 * operators' messages. Left out: payments and refunds (amounts), notes, checkout and the tracking
 * link's own entries. A whitelist, so an event type added later stays private until chosen here.
 */
const PUBLIC_ENTRY_TYPES: ReadonlySet<string> = new Set<OrderEventType>([
  'OrderCreated',
  'PaymentConfirmed',
  'SpecApproved',
  'ProductionStarted',
  'OrderFulfilled',
  'OrderCanceled',
  'PriorityChanged',
  'MessagePosted',
]);

/** `PublicOrderTracking` as the resolvers hand it over: built field by field, never the order itself. */
export interface PublicOrderTrackingView {
  readonly reference: string;
  readonly status: OrderSummaryView['status'];
  readonly statusLabel: OrderSummaryView['status'];
  readonly orderStatus: OrderSummaryView['orderStatus'];
  readonly canceled: boolean;
  readonly priority: OrderSummaryView['priority'];
  readonly etaDays: number;
  readonly etaAt: string | null;
  readonly onHold: boolean;
  readonly route: ReturnType<typeof routeView>;
  readonly events: readonly {
    readonly id: string;
    readonly status: string;
    readonly message: string | null;
    readonly occurredAt: string;
  }[];
  readonly position: string;
}

/**
 * What a public tracking link shows of an order: a new object with only these fields, so no
 * resolver can reach the notes, prices, owner or actors through it. `events` is empty when the
 * view was read without its timeline (a subscription that does not select it).
 */
export function publicTracking(
  view: OrderSummaryView & { readonly events?: readonly TimelineEntryView[] },
): PublicOrderTrackingView {
  return {
    reference: view.reference,
    status: view.status,
    statusLabel: view.status,
    orderStatus: view.orderStatus,
    canceled: view.canceled,
    priority: view.priority,
    etaDays: view.etaDays,
    etaAt: view.etaAt,
    onHold: view.priority === 'hold',
    route: routeView(view),
    events: (view.events ?? [])
      .filter((entry) => PUBLIC_ENTRY_TYPES.has(entry.eventType))
      .map((entry) => ({ id: entry.id, status: entry.status, message: entry.message, occurredAt: entry.occurredAt })),
    position: view.position,
  };
}

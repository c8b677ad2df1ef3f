import type { EtaClock } from './eta.ts';
import type { ActorType, GarmentSnapshot, OrderLineItem, OrderState, Priority } from './events.ts';

/** Money Stripe says it took for the order. */
export interface PaymentInfo {
  readonly sessionId: string;
  readonly paymentIntentId: string | null;
  readonly amountCents: number;
  readonly currency: string;
  readonly paidAt: string;
}

export interface CancelationInfo {
  readonly at: string;
  readonly by: ActorType;
  readonly reason: string | null;
  readonly refundDue: boolean;
}

/** A dispute on the order's payment, as Stripe last reported it. */
export interface DisputeInfo {
  readonly disputeId: string;
  /** Stripe's status: `needs_response` while open, `won`, `lost`… once closed. */
  readonly status: string;
  readonly evidenceDueBy: string | null;
  readonly open: boolean;
}

/** The fold of one order's events: everything `decide` needs, nothing it does not. */
export interface Order {
  readonly id: string;
  readonly reference: string;
  /** The user who created it; customers act on their own orders only. */
  readonly ownerId: string;
  readonly projectId: string | null;
  readonly orderStatus: OrderState;
  readonly priority: Priority;
  /** Set while on hold, null otherwise. */
  readonly holdReason: string | null;
  readonly garment: GarmentSnapshot;
  readonly designUrl: string;
  readonly prompt: string | null;
  readonly notes: string | null;
  readonly lineItems: readonly OrderLineItem[];
  readonly totalCents: number;
  readonly currency: 'usd';
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the order first reached each lifecycle state (for the route map). */
  readonly reachedAt: Readonly<Partial<Record<OrderState, string>>>;
  readonly checkout: { readonly sessionId: string; readonly checkoutUrl: string; readonly simulated: boolean } | null;
  readonly payment: PaymentInfo | null;
  /** A payment that did not match the total was flagged for operators. */
  readonly paymentFlagged: boolean;
  readonly cancelation: CancelationInfo | null;
  /** Money returned: the running total Stripe reported refunded, never above the payment, less failed refunds. */
  readonly refundedCents: number;
  /** Stripe once reported more refunded than was paid (flagged for operators). */
  readonly refundExcess: boolean;
  /** The last refund failed (cleared when a later refund is recorded); its reason, when Stripe gave one. */
  readonly refundFailure: { readonly reason: string | null } | null;
  readonly dispute: DisputeInfo | null;
  /** The active public tracking link's token; null when none was issued or it was revoked. */
  readonly trackingToken: string | null;
  readonly clock: EtaClock;
  /** Idempotency keys of the commands already applied (rule 7). */
  readonly appliedIdempotencyKeys: ReadonlySet<string>;
  /** Stripe event ids already applied, so a redelivered event changes nothing. */
  readonly appliedStripeEventIds: ReadonlySet<string>;
  /** Refunds already recorded as failed (Stripe sends `refund.updated` and `refund.failed` for one failure). */
  readonly failedRefundIds: ReadonlySet<string>;
}

/** Before `OrderCreated` there is no order: the stream state is null. */
export type OrderStreamState = Order | null;

export const initialState = (): OrderStreamState => null;

import type { CheckoutOrder } from './checkoutSession.ts';

/** A Checkout session opened for an order; recorded on the order as `CheckoutSessionOpened`. */
export interface OpenedCheckout {
  readonly sessionId: string;
  readonly checkoutUrl: string;
  readonly simulated: boolean;
}

export interface RefundRequest {
  readonly orderId: string;
  readonly userId: string;
  /** The payment to refund, from the order's `PaymentConfirmed` event. */
  readonly paymentIntentId: string;
  readonly amountCents: number;
  readonly currency: string;
}

export interface RequestedRefund {
  readonly refundId: string;
  readonly status: string;
}

/**
 * Where money moves: real Stripe (`stripeGateway.ts`) or the simulation (`simulatedGateway.ts`)
 * that answers through our own webhook route. Both are idempotent per order: opening a checkout
 * twice returns the same session, requesting a refund twice refunds once.
 */
export interface PaymentGateway {
  readonly simulated: boolean;
  openCheckout(order: CheckoutOrder): Promise<OpenedCheckout>;
  requestRefund(request: RefundRequest): Promise<RequestedRefund>;
}

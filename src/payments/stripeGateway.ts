import Stripe from 'stripe';
import { AppError } from '../domain/errors.ts';
import {
  checkoutIdempotencyKey,
  checkoutSessionParams,
  refundIdempotencyKey,
  type CheckoutOrder,
} from './checkoutSession.ts';
import type { OpenedCheckout, PaymentGateway, RefundRequest, RequestedRefund } from './gateway.ts';

/** Real Stripe through the SDK. Every request carries an idempotency key derived from the order. */
export function createStripeGateway(stripe: Stripe, publicBaseUrl: string): PaymentGateway {
  return {
    simulated: false,
    async openCheckout(order: CheckoutOrder): Promise<OpenedCheckout> {
      const session = await call(() =>
        stripe.checkout.sessions.create(checkoutSessionParams(order, publicBaseUrl), {
          idempotencyKey: checkoutIdempotencyKey(order.orderId),
        }),
      );
      if (!session.url)
        throw new AppError(
          'PAYMENT_PROVIDER_UNAVAILABLE',
          `Stripe opened checkout session ${session.id} without a URL`,
        );
      return { sessionId: session.id, checkoutUrl: session.url, simulated: false };
    },
    async requestRefund(request: RefundRequest): Promise<RequestedRefund> {
      const refund = await call(() =>
        stripe.refunds.create(
          {
            payment_intent: request.paymentIntentId,
            reason: 'requested_by_customer',
            metadata: { orderId: request.orderId, userId: request.userId },
          },
          { idempotencyKey: refundIdempotencyKey(request.orderId) },
        ),
      );
      return { refundId: refund.id, status: refund.status ?? 'pending' };
    },
  };
}

/** Stripe's own failures become ours at this boundary, so callers see one error type. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE', `Stripe: ${error.message}`, {
        stripeType: error.type,
        stripeCode: error.code ?? null,
        stripeStatus: error.statusCode ?? null,
        stripeRequestId: error.requestId ?? null,
      });
    }
    throw error;
  }
}

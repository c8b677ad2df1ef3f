import type Stripe from 'stripe';
import { expect } from 'vitest';
import { checkoutSession, stripeEvent } from '../webhooks/stripe-fixtures.ts';
import { newId, request } from './http.ts';
import { ORDER_TOTAL_CENTS, orderBody, type ServerStack } from './stack.ts';

/** An order a customer placed over REST: its ids, the owner and their token, its Checkout session. */
export interface RestOrder {
  readonly orderId: string;
  readonly reference: string;
  readonly userId: string;
  readonly token: string;
  /** The Checkout session's id, the last segment of the answer's `checkoutUrl`. */
  readonly sessionId: string;
}

/**
 * A draft order placed through `POST /api/production` (which must answer 201) by `owner`, a new
 * customer when not given.
 */
export async function placeRestOrder(
  stack: Pick<ServerStack, 'url' | 'token'>,
  body: Record<string, unknown> = orderBody(),
  owner?: { readonly id: string; readonly token: string },
): Promise<RestOrder> {
  const userId = owner?.id ?? newId();
  const token = owner?.token ?? (await stack.token(userId));
  const created = await request(stack.url, 'POST', '/api/production', { token, body });
  expect(created.status).toBe(201);
  return {
    orderId: String(created.body.orderId),
    reference: String(created.body.reference),
    userId,
    token,
    sessionId: String(created.body.checkoutUrl).split('/').pop()!,
  };
}

/** Stripe's `checkout.session.completed` for `order`, paid in full (`ORDER_TOTAL_CENTS`) with `paymentIntent`. */
export const sessionCompleted = (
  order: Pick<RestOrder, 'orderId' | 'userId' | 'sessionId'>,
  paymentIntent: string,
): Stripe.Event =>
  stripeEvent(
    'checkout.session.completed',
    checkoutSession({
      orderId: order.orderId,
      userId: order.userId,
      sessionId: order.sessionId,
      amountTotal: ORDER_TOTAL_CENTS,
      paymentIntent,
    }),
  );

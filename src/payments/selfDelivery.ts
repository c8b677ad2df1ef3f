import Stripe from 'stripe';
import { AppError } from '../domain/errors.ts';
import type { StripeEventEnvelope } from './simulatedObjects.ts';

export interface SelfDeliveryOptions {
  /** The secret our webhook route verifies with (the dev secret when payments are simulated). */
  readonly webhookSecret: string;
  /** Our own webhook URL; known only once the server listens, hence a function. */
  readonly webhookUrl: () => string;
  readonly now: () => Date;
}

export type DeliverToSelf = (event: StripeEventEnvelope) => Promise<void>;

/**
 * Sends a Stripe-shaped event to our own webhook route over real HTTP, signed as Stripe signs,
 * so simulated payments pass the signature check, the inbox and the handlers like real ones.
 */
export function createSelfDelivery(options: SelfDeliveryOptions): DeliverToSelf {
  return async (event) => {
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.webhookSecret,
      timestamp: Math.floor(options.now().getTime() / 1000),
    });
    const response = await fetch(options.webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
      signal: AbortSignal.timeout(10_000),
    });
    // Drain the body so the connection is released.
    const text = await response.text();
    if (!response.ok) {
      throw new AppError(
        'PAYMENT_PROVIDER_UNAVAILABLE',
        `Simulated ${event.type} was refused by our webhook: ${response.status} ${text.slice(0, 200)}`,
      );
    }
  };
}

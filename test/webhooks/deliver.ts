import type Stripe from 'stripe';
import { type JsonResponse, request } from '../support/http.ts';
import { WEBHOOK_SECRET } from '../support/stack.ts';
import { signatureFor } from './stripe-fixtures.ts';

/** POSTs a Stripe event to our webhook as Stripe does: the exact bytes it signed, `Stripe-Signature`. */
export function deliver(
  url: string,
  event: Stripe.Event,
  options: { secret?: string; timestamp?: number; body?: string; signature?: string } = {},
): Promise<JsonResponse> {
  const payload = JSON.stringify(event, null, 2);
  const signature = options.signature ?? signatureFor(payload, options.secret ?? WEBHOOK_SECRET, options.timestamp);
  return request(url, 'POST', '/api/stripe/webhook', {
    rawBody: options.body ?? payload,
    headers: {
      'stripe-signature': signature,
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    },
  });
}

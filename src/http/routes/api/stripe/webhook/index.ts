import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StripeWebhookEndpoint } from '../../../../../payments/setup.ts';
import { verifyStripeEvent } from '../../../../../webhooks/signature.ts';
import { STRIPE_WEBHOOK_PATH } from '../../../../../webhooks/path.ts';

/** The webhook's answer to a delivery it recorded; `stripe send` (the CLI) reads it too. */
export const stripeWebhookAnswer = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().describe('true when this Stripe event id was already recorded: nothing changed'),
    outcome: z.enum(['applied', 'ignored']).describe('what the first delivery of this event did'),
    reason: z.string().describe('why it was ignored, or the order events it wrote'),
  })
  .describe('The delivery is durably recorded');

/**
 * `POST /api/stripe/webhook`. Registered in its own encapsulated context so that its content-type
 * parser (which keeps the raw bytes: the signature is over them, and any re-serialisation breaks
 * it) applies to this route only. The signature is checked first; a bad one is 400 and nothing
 * is read or written.
 */
export const stripeWebhookRoutes: FastifyPluginAsync<StripeWebhookEndpoint> = (app, options) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  app.withTypeProvider<ZodTypeProvider>().post(
    STRIPE_WEBHOOK_PATH,
    {
      // Stripe signs instead of sending a token; the signature check below is this route's auth.
      config: { authenticate: false },
      schema: {
        summary: 'Stripe webhook endpoint',
        description:
          'Receives Stripe events signed with `Stripe-Signature` (checked over the raw body, 300 s tolerance). ' +
          'Handles checkout.session.completed, .async_payment_succeeded, .async_payment_failed, .expired and charge.refunded. ' +
          'Every event is recorded once by its id; a repeat answers 200 and changes nothing.',
        tags: ['stripe'],
        response: { 200: stripeWebhookAnswer },
      },
    },
    async (request) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const event = verifyStripeEvent(raw, request.headers['stripe-signature'], options.webhookSecrets, options.now());
      const { status, record } = await options.processor.process(event);
      request.log.info(
        {
          stripeEventId: event.id,
          stripeEventType: event.type,
          status,
          outcome: record.outcome,
          reason: record.reason,
        },
        'stripe webhook',
      );
      return {
        received: true as const,
        duplicate: status === 'duplicate',
        outcome: record.outcome,
        reason: record.reason,
      };
    },
  );
  return Promise.resolve();
};

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrderApplication } from '../../../../application/orders/index.ts';
import { createProductionOrderBody, createProductionOrderReply } from '../../../../application/orders/inputs.ts';
import { tooManyLineItems } from '../../../../application/orders/validation.ts';
import { requireViewer } from '../../../../auth/guards.ts';
import { AppError } from '../../../../domain/errors.ts';
import { problemResponses } from '../../problemSchema.ts';

/** Visible ASCII, as Stripe and the IETF draft allow; at most 255 characters (Stripe's limit). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, checked: POST and PATCH keep it in the order's events. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw new AppError('BAD_USER_INPUT', 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
      fields: [{ path: 'headers.idempotency-key', message: 'must be 1 to 255 visible ASCII characters' }],
    });
  }
  return header;
}

/**
 * `POST /api/production`: validates everything (one 400 listing every problem, nothing written),
 * places the draft order with server-side prices, opens its Checkout session and answers
 * `201 { checkoutUrl, orderId, reference }`. With `Idempotency-Key`, a repeat answers exactly as
 * the first time (same order, same session) and writes nothing.
 */
export function registerCreateRoute(app: FastifyInstance, orders: Pick<OrderApplication, 'place'>): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/production',
    {
      // The handler validates, so schema problems and catalog problems come back in one list.
      attachValidation: true,
      // Before fastify's validation of the body, which would look at every item first.
      preValidation: (request, _reply, done) => {
        done(tooManyLineItems(request.body));
      },
      schema: {
        summary: 'Place a production order and open its Stripe Checkout session',
        tags: ['production'],
        security: [{ bearerAuth: [] }],
        headers: z.looseObject({
          'idempotency-key': z
            .string()
            .optional()
            .describe(
              'repeat a request safely: the same key answers as the first time (1 to 255 visible ASCII characters)',
            ),
        }),
        body: createProductionOrderBody,
        response: { 201: createProductionOrderReply, ...problemResponses(400, 401, 502) },
      },
    },
    async (request, reply) => {
      const viewer = requireViewer(request.viewer);
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
      // Validated in full by the application: the schema's problems and the catalog's in one list.
      const placed = await orders.place(viewer, request.body, idempotencyKey === undefined ? {} : { idempotencyKey });
      if (placed.replayed) void reply.header('idempotent-replayed', 'true');
      return reply
        .status(201)
        .header('location', `/api/production/${placed.orderId}`)
        .send({ checkoutUrl: placed.checkoutUrl, orderId: placed.orderId, reference: placed.reference });
    },
  );
}

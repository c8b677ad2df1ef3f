import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { GarmentCatalog, OrderCommands } from '../../../../commands/order/index.ts';
import { z } from 'zod';
import { AppError } from '../../../../domain/errors.ts';
import type { Actor } from '../../../../domain/order/index.ts';
import type { CheckoutService } from '../../../../payments/checkout.ts';
import { problemResponses } from '../../problemSchema.ts';
import type { ReadModelAccess } from '../../../../application/orders/visibleOrder.ts';
import { createProductionOrderBody, createProductionOrderReply } from '../../../../application/orders/inputs.ts';
import { checkSameOrder, tooManyLineItems, validateCreateBody } from '../../../../application/orders/validation.ts';
import { requireViewer } from '../../../graphql/context.ts';

export interface CreateRouteDeps {
  readonly commands: Pick<OrderCommands, 'createOrder'>;
  readonly garments: GarmentCatalog;
  readonly checkout: CheckoutService;
  readonly readModel: ReadModelAccess;
}

/** A GET right after the 201 must find the order; the answer waits (bounded) for the projector. */
const READ_YOUR_WRITES_MS = 5000;

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
export function registerCreateRoute(app: FastifyInstance, deps: CreateRouteDeps): void {
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
        headers: z.looseObject({ 'idempotency-key': z.string().optional().describe('repeat a request safely: the same key answers as the first time (1 to 255 visible ASCII characters)') }),
        body: createProductionOrderBody,
        response: { 201: createProductionOrderReply, ...problemResponses(400, 401, 502) },
      },
    },
    async (request, reply) => {
      const viewer = requireViewer(request.viewer);
      const actor: Actor = { type: viewer.isOperator ? 'operator' : 'customer', id: viewer.id };
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
      const body = await validateCreateBody(request.body, deps.garments, actor);
      const created = await deps.commands.createOrder(
        { designUrl: body.designUrl, garmentId: body.garmentId.trim(), sizes: body.sizes, priority: body.priority, notes: body.notes, prompt: body.prompt, projectId: body.projectId },
        { actor, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) },
      );
      if (created.replayed) checkSameOrder(body, created.state);
      const { checkoutUrl, position } = await deps.checkout.open(created.orderId);
      if (position) await deps.readModel.changeFeed.waitForPosition(position, { timeoutMs: READ_YOUR_WRITES_MS });
      if (created.replayed) void reply.header('idempotent-replayed', 'true');
      return reply
        .status(201)
        .header('location', `/api/production/${created.orderId}`)
        .send({ checkoutUrl, orderId: created.orderId, reference: created.state.reference });
    },
  );
}

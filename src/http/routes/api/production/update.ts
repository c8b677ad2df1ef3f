import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fieldProblemsOf } from '../../../../application/fieldProblems.ts';
import type { OrderApplication } from '../../../../application/orders/index.ts';
import { orderIdParams, patchProductionOrderBody } from '../../../../application/orders/inputs.ts';
import { requireOperator } from '../../../../auth/guards.ts';
import { AppError, describeProblems } from '../../../../domain/errors.ts';
import { problemResponses } from '../../problemSchema.ts';
import { idempotencyKeyOf } from './create.ts';
import { etagOf } from './read.ts';
import { orderReply, summaryOf } from './summary.ts';

/** `"3"`, `W/"3"` or `3` → 3; absent or `*` → undefined (no expectation). */
export function expectedVersionOf(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match?.[1]) {
    throw new AppError('BAD_USER_INPUT', 'If-Match must be the ETag of the order ("<version>")', {
      fields: [{ path: 'headers.if-match', message: 'must be an ETag such as "3"' }],
    });
  }
  return Number(match[1]);
}

/**
 * `PATCH /api/production/:id` (operators): `{ status?, priority?, notes? }` with `If-Match` as the
 * expected version (412 on a mismatch). Every change is checked against the rules first, on the
 * order as it would be after the earlier ones, so a refused change (409) writes nothing at all.
 * Answers the order once the read model shows the change.
 */
export function registerUpdateRoute(app: FastifyInstance, orders: Pick<OrderApplication, 'change'>): void {
  app.withTypeProvider<ZodTypeProvider>().patch(
    '/api/production/:id',
    {
      attachValidation: true,
      schema: {
        summary: 'Change a production order (operators)',
        tags: ['production'],
        security: [{ bearerAuth: [] }],
        params: orderIdParams,
        headers: z.looseObject({
          'if-match': z
            .string()
            .optional()
            .describe('the ETag of the order as last read; a different current version is 412'),
          'idempotency-key': z.string().optional(),
        }),
        body: patchProductionOrderBody,
        response: { 200: orderReply, ...problemResponses(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const viewer = requireOperator(request.viewer);
      const params = orderIdParams.safeParse(request.params);
      if (!params.success) throw new AppError('NOT_FOUND', 'Order not found');
      const orderId = params.data.id.toLowerCase();
      const parsed = patchProductionOrderBody.safeParse(request.body);
      if (!parsed.success) {
        const fields = fieldProblemsOf(parsed.error);
        throw new AppError(
          'BAD_USER_INPUT',
          describeProblems(
            'change',
            fields.map((f) => ({ ...f, path: f.path || 'body' })),
          ),
          { fields },
        );
      }
      const expectedVersion = expectedVersionOf(request.headers['if-match']);
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      const view = await orders.change(viewer, orderId, parsed.data, {
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
        ...(key === undefined ? {} : { idempotencyKey: key }),
      });
      return reply.header('etag', etagOf(view.version)).send({ order: summaryOf(view) });
    },
  );
}

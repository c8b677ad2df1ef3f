import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrderApplication } from '../../../../application/orders/index.ts';
import { requireViewer } from '../../../../auth/guards.ts';
import { orderIdParams } from '../../../../application/orders/inputs.ts';
import { problemResponses } from '../../problemSchema.ts';
import { orderReply, summaryOf } from './summary.ts';

/** The order's version as an HTTP entity tag: what If-Match sends back. */
export const etagOf = (version: number): string => `"${version}"`;

/** `GET /api/production/:id`: the owner's or an operator's view; `ETag` = version. */
export function registerReadRoute(app: FastifyInstance, orders: Pick<OrderApplication, 'order'>): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/production/:id',
    {
      schema: {
        summary: 'A production order (owner or operator)',
        tags: ['production'],
        security: [{ bearerAuth: [] }],
        params: orderIdParams,
        response: {
          200: orderReply,
          304: z.null().describe('If-None-Match names the current version'),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const viewer = requireViewer(request.viewer);
      const view = await orders.order(viewer, request.params.id.toLowerCase());
      const etag = etagOf(view.version);
      void reply.header('etag', etag).header('cache-control', 'private, no-cache');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send(null);
      return { order: summaryOf(view) };
    },
  );
}

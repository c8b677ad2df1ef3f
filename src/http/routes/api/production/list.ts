import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrderApplication } from '../../../../application/orders/index.ts';
import { requireViewer } from '../../../../auth/guards.ts';
import { ORDER_STATES, PRIORITIES, type OrderState, type Priority } from '../../../../domain/order/index.ts';
import { MAX_PAGE_SIZE, type OrderFilter } from '../../../../projections/index.ts';
import { problemResponses } from '../../problemSchema.ts';
import { storable } from '../../../../application/orders/inputs.ts';
import { productionOrderSummary, summaryOf } from './summary.ts';

/** `a,b` → ['a', 'b'], each lower-cased (the seed's values are accepted in either case). */
const commaList = <T extends string>(values: readonly T[], what: string) =>
  z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim().toLowerCase())
        .filter((part) => part !== ''),
    )
    .pipe(
      z
        .array(
          z.enum(values as [T, ...T[]], { error: `must list ${what} from ${values.join(', ')}, separated by commas` }),
        )
        .max(values.length * 2),
    );

/** The GraphQL `orders` filter, as query-string parameters. */
export const listProductionOrdersQuery = z.strictObject({
  status: commaList<OrderState>(ORDER_STATES, 'order states')
    .optional()
    .describe("e.g. `submitted,approved` (the seed's orderStatus values)"),
  priority: commaList<Priority>(PRIORITIES, 'priorities').optional().describe('e.g. `rush,hold`'),
  createdFrom: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 date-time' })
    .optional()
    .describe('created at or after'),
  createdTo: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 date-time' })
    .optional()
    .describe('created at or before'),
  userId: z.uuid('must be a uuid').optional().describe("operators: one customer's orders"),
  search: storable()
    .max(200, 'must be at most 200 characters')
    .optional()
    .describe('part of the reference or the notes'),
  first: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(50),
  after: storable().max(500).optional().describe('`pageInfo.endCursor` of the previous page'),
});

const listReply = z.object({
  orders: z.array(productionOrderSummary),
  pageInfo: z.object({
    hasNextPage: z.boolean(),
    endCursor: z.string().nullable().describe('pass as `after` for the next page'),
  }),
});

/**
 * `GET /api/production`: the orders the caller may see (customers their own, operators all),
 * newest first, in pages, with the GraphQL `orders` filters as query parameters.
 */
export function registerListRoute(app: FastifyInstance, orders: Pick<OrderApplication, 'list'>): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/production',
    {
      schema: {
        summary: 'The orders you may see, newest first (customers: their own; operators: all)',
        tags: ['production'],
        security: [{ bearerAuth: [] }],
        querystring: listProductionOrdersQuery,
        response: { 200: listReply, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const viewer = requireViewer(request.viewer);
      const query = request.query;
      const filter: OrderFilter = {
        ...(query.status ? { orderStatuses: query.status } : {}),
        ...(query.priority ? { priorities: query.priority } : {}),
        ...(query.createdFrom ? { createdFrom: new Date(query.createdFrom) } : {}),
        ...(query.createdTo ? { createdTo: new Date(query.createdTo) } : {}),
        ...(query.userId ? { userId: query.userId.toLowerCase() } : {}),
        ...(query.search ? { search: query.search } : {}),
      };
      const { page } = await orders.list(viewer, {
        filter,
        first: query.first,
        ...(query.after ? { after: query.after } : {}),
        userIdPath: 'query.userId',
      });
      return { orders: page.nodes.map(summaryOf), pageInfo: page.pageInfo };
    },
  );
}

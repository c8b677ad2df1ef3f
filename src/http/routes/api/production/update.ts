import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrderCommandResult, OrderCommands } from '../../../../commands/order/index.ts';
import { AppError, describeProblems } from '../../../../domain/errors.ts';
import { decide, evolve, type Actor, type OrderCommand } from '../../../../domain/order/index.ts';
import { requireOperator } from '../../../graphql/context.ts';
import { fieldProblemsOf } from '../../../../application/fieldProblems.ts';
import { idempotencyKeyOf } from './create.ts';
import { visibleOrder, type OrderReadDeps } from '../../../../application/orders/visibleOrder.ts';
import { etagOf } from './read.ts';
import { orderIdParams, patchProductionOrderBody, type PatchProductionOrderBody } from '../../../../application/orders/inputs.ts';
import { orderReply, summaryOf } from './summary.ts';
import { problemResponses } from '../../problemSchema.ts';

export interface UpdateRouteDeps extends OrderReadDeps {
  readonly commands: Pick<OrderCommands, 'load' | 'execute'>;
}

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
 * The reason recorded for a hold that the spec's body (`{ priority: "hold" }`) gives none for:
 * the domain wants every hold explained on the timeline, and this says plainly that nobody did.
 */
export const DEFAULT_HOLD_REASON = 'On hold (no reason given)';

/** The body as commands, notes and priority before status: releasing a hold lets an approval in the same request pass. */
function commandsOf(body: PatchProductionOrderBody, orderId: string, actor: Actor, now: Date, key: string | undefined): OrderCommand[] {
  const keyed = (part: string) => (key === undefined ? {} : { idempotencyKey: `${key}:${part}` });
  const base = { orderId, actor, now };
  const commands: OrderCommand[] = [];
  if (body.notes !== undefined) commands.push({ ...base, ...keyed('notes'), type: 'UpdateNotes', notes: body.notes });
  if (body.priority !== undefined) commands.push({ ...base, ...keyed('priority'), type: 'SetPriority', priority: body.priority, reason: body.reason ?? (body.priority === 'hold' ? DEFAULT_HOLD_REASON : null) });
  if (body.status !== undefined) {
    const { message, trackingNumber, trackingUrl, carrier } = body;
    commands.push({ ...base, ...keyed('status'), type: 'SetOrderStatus', to: body.status, message: message ?? null, trackingNumber: trackingNumber ?? null, trackingUrl: trackingUrl ?? null, carrier: carrier ?? null });
  }
  return commands;
}

/**
 * `PATCH /api/production/:id` (operators): `{ status?, priority?, notes? }` with `If-Match` as the
 * expected version (412 on a mismatch). Every change is checked against the rules first, on the
 * order as it would be after the earlier ones, so a refused change (409) writes nothing at all.
 * Answers the order once the read model shows the change.
 */
export function registerUpdateRoute(app: FastifyInstance, deps: UpdateRouteDeps): void {
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
          'if-match': z.string().optional().describe('the ETag of the order as last read; a different current version is 412'),
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
        throw new AppError('BAD_USER_INPUT', describeProblems('change', fields.map((f) => ({ ...f, path: f.path || 'body' }))), { fields });
      }
      const expectedVersion = expectedVersionOf(request.headers['if-match']);
      const key = idempotencyKeyOf(request.headers['idempotency-key']);
      const actor: Actor = { type: 'operator', id: viewer.id };
      const commands = commandsOf(parsed.data, orderId, actor, new Date(), key);

      const loaded = await deps.commands.load(orderId);
      if (!loaded.state) throw new AppError('NOT_FOUND', `Order ${orderId} not found`, { orderId });
      const state = loaded.state;
      const replay = commands.some((c) => c.idempotencyKey !== undefined && state.appliedIdempotencyKeys.has(c.idempotencyKey));
      // A stale If-Match is 412 before any rule is looked at; a replayed request answers as the first time did.
      if (expectedVersion !== undefined && expectedVersion !== loaded.version && !replay) {
        throw new AppError('VERSION_CONFLICT', `Order ${orderId} is at version ${loaded.version}, not ${expectedVersion}`, {
          orderId,
          expectedVersion,
          actualVersion: loaded.version,
        });
      }
      // All or nothing: each change is decided on the order as the earlier ones leave it.
      commands.reduce<Parameters<typeof decide>[1]>((current, command) => decide(command, current).reduce(evolve, current), state);

      let version = expectedVersion;
      let last: OrderCommandResult | undefined;
      for (const command of commands) {
        last = await deps.commands.execute(command, version === undefined ? {} : { expectedVersion: version });
        if (version !== undefined) version = last.version;
      }
      const view = await visibleOrder(deps, viewer, orderId, last?.position);
      return reply.header('etag', etagOf(view.version)).send({ order: summaryOf(view) });
    },
  );
}

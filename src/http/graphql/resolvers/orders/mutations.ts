import type { Viewer } from '../../../../auth/viewer.ts';
import type { CommandOptions, OrderCommandResult } from '../../../../commands/order/index.ts';
import { AppError } from '../../../../domain/errors.ts';
import type { Priority, Technique } from '../../../../domain/order/index.ts';
import { visibleOrder } from '../../../../application/orders/visibleOrder.ts';
import { checkSameOrder, validateCreateBody } from '../../../../application/orders/validation.ts';
import { requireOperator, requireViewer, type GraphQLContext } from '../../context.ts';
import { bulkSetOrderStatus, type BulkInput } from '../../../../application/orders/bulk.ts';
import type { OrderResolverDeps } from './deps.ts';
import { actorOf } from './types.ts';

interface CreateInput {
  readonly designUrl: string;
  readonly garmentId: string;
  readonly sizes: readonly { size: string; quantity: number; technique?: Technique | null }[];
  readonly priority?: Priority | null;
  readonly holdReason?: string | null;
  readonly notes?: string | null;
  readonly prompt?: string | null;
  readonly projectId?: string | null;
  readonly idempotencyKey?: string | null;
}

interface Versioned {
  readonly id: string;
  readonly expectedVersion?: number | null;
}

/** GraphQL nulls are "not given" for the command options. */
function optionsOf(viewer: Viewer, args: { expectedVersion?: number | null; idempotencyKey?: string | null }): CommandOptions {
  return {
    actor: actorOf(viewer),
    ...(args.expectedVersion === null || args.expectedVersion === undefined ? {} : { expectedVersion: args.expectedVersion }),
    ...(args.idempotencyKey === null || args.idempotencyKey === undefined ? {} : { idempotencyKey: args.idempotencyKey }),
  };
}

/**
 * The command compares the expected version before the domain checks the owner, so a customer
 * naming a version on someone else's order would get VERSION_CONFLICT with that order's version,
 * and "version 0" for a missing one: an oracle for which orders exist. Ownership goes first.
 */
async function requireOwnOrder(deps: OrderResolverDeps, viewer: Viewer, orderId: string): Promise<void> {
  const { state } = await deps.commands.load(orderId);
  if (state?.ownerId !== viewer.id) throw new AppError('NOT_FOUND', `Order ${orderId.toLowerCase()} not found`, { orderId: orderId.toLowerCase() });
}

/**
 * Writes. Each runs one command (the domain decides, with the actor from the token and
 * `user_profiles`), then answers with the order once the read model holds the change
 * (read-your-writes), so a query right after sees it too.
 */
export function orderMutationResolvers(deps: OrderResolverDeps) {
  const access = { readModel: deps.readModel, commands: deps.commands };
  const answer = (viewer: Viewer, result: OrderCommandResult) => visibleOrder(access, viewer, result.orderId, result.position);

  return {
    Mutation: {
      createProductionOrder: async (_: unknown, { input }: { input: CreateInput }, context: GraphQLContext) => {
        const viewer = requireViewer(context.viewer);
        const { idempotencyKey, holdReason, ...body } = input;
        const actor = actorOf(viewer);
        // The same validation as POST /api/production: one BAD_USER_INPUT listing every problem.
        const valid = await validateCreateBody(body, deps.garments, actor);
        const created = await deps.commands.createOrder(
          { ...valid, garmentId: valid.garmentId.trim(), ...(holdReason ? { holdReason } : {}) },
          optionsOf(viewer, { idempotencyKey }),
        );
        if (created.replayed) checkSameOrder(valid, created.state);
        const { checkoutUrl, position } = await deps.checkout.open(created.orderId);
        const order = await visibleOrder(access, viewer, created.orderId, position ?? created.position);
        return { order, checkoutUrl };
      },
      cancelOrder: async (_: unknown, args: Versioned & { reason?: string | null }, context: GraphQLContext) => {
        const viewer = requireViewer(context.viewer);
        if (!viewer.isOperator && args.expectedVersion !== null && args.expectedVersion !== undefined) await requireOwnOrder(deps, viewer, args.id);
        return answer(viewer, await deps.commands.cancelOrder(args.id, { reason: args.reason ?? null }, optionsOf(viewer, args)));
      },
      setOrderStatus: async (
        _: unknown,
        args: Versioned & {
          status: string;
          message?: string | null;
          idempotencyKey?: string | null;
          tracking?: { trackingNumber?: string | null; trackingUrl?: string | null; carrier?: string | null } | null;
        },
        context: GraphQLContext,
      ) => {
        const viewer = requireOperator(context.viewer);
        const input = {
          status: args.status,
          message: args.message ?? null,
          ...(args.tracking ? { trackingNumber: args.tracking.trackingNumber ?? null, trackingUrl: args.tracking.trackingUrl ?? null, carrier: args.tracking.carrier ?? null } : {}),
        };
        return answer(viewer, await deps.commands.setOrderStatus(args.id, input, optionsOf(viewer, args)));
      },
      setOrderPriority: async (_: unknown, args: Versioned & { priority: Priority; reason?: string | null }, context: GraphQLContext) => {
        const viewer = requireOperator(context.viewer);
        return answer(viewer, await deps.commands.setPriority(args.id, { priority: args.priority, reason: args.reason ?? null }, optionsOf(viewer, args)));
      },
      updateOrderNotes: async (_: unknown, args: Versioned & { notes: string }, context: GraphQLContext) => {
        const viewer = requireOperator(context.viewer);
        return answer(viewer, await deps.commands.updateNotes(args.id, { notes: args.notes }, optionsOf(viewer, args)));
      },
      postOrderMessage: async (_: unknown, args: { id: string; message: string }, context: GraphQLContext) => {
        const viewer = requireOperator(context.viewer);
        return answer(viewer, await deps.commands.postMessage(args.id, { message: args.message }, optionsOf(viewer, {})));
      },
      bulkSetOrderStatus: (_: unknown, { input }: { input: BulkInput }, context: GraphQLContext) =>
        bulkSetOrderStatus(deps, requireOperator(context.viewer), input),
    },
  };
}

import type { Viewer } from '../../auth/viewer.ts';
import type { CommandOptions, OrderCommandResult, OrderCommands } from '../../commands/order/index.ts';
import { AppError } from '../../domain/errors.ts';
import { decide, evolve, shipmentOf, type Actor, type OrderCommand } from '../../domain/order/index.ts';
import type { ProductionOrderView } from '../../projections/index.ts';
import type { PatchProductionOrderBody } from './inputs.ts';
import { visibleOrder, type OrderReadDeps } from './visibleOrder.ts';
import { actorOf, isViewable, ownerScope } from './visibility.ts';

export interface ChangeOrderDeps extends OrderReadDeps {
  readonly commands: Pick<OrderCommands, 'load' | 'execute'>;
}

/** The expected version (a stale one is VERSION_CONFLICT) and the idempotency key of a change. */
export interface ChangeOptions {
  readonly expectedVersion?: number;
  readonly idempotencyKey?: string;
}

/**
 * The reason recorded for a hold that the spec's body (`{ priority: "hold" }`) gives none for:
 * the domain wants every hold explained on the timeline, and this says plainly that nobody did.
 */
export const DEFAULT_HOLD_REASON = 'On hold (no reason given)';

/** The change set as commands, notes and priority before status: releasing a hold lets an approval in the same change pass. */
function commandsOf(
  change: PatchProductionOrderBody,
  orderId: string,
  actor: Actor,
  now: Date,
  key: string | undefined,
): OrderCommand[] {
  const keyed = (part: string) => (key === undefined ? {} : { idempotencyKey: `${key}:${part}` });
  const base = { orderId, actor, now };
  const commands: OrderCommand[] = [];
  if (change.notes !== undefined)
    commands.push({ ...base, ...keyed('notes'), type: 'UpdateNotes', notes: change.notes });
  if (change.priority !== undefined)
    commands.push({
      ...base,
      ...keyed('priority'),
      type: 'SetPriority',
      priority: change.priority,
      reason: change.reason ?? (change.priority === 'hold' ? DEFAULT_HOLD_REASON : null),
    });
  if (change.status !== undefined) {
    commands.push({
      ...base,
      ...keyed('status'),
      type: 'SetOrderStatus',
      to: change.status,
      message: change.message ?? null,
      ...shipmentOf(change),
    });
  }
  return commands;
}

/**
 * Changes status, priority and notes at once (`PATCH /api/production/:id`, the spec's body).
 * Every change is checked against the rules first, on the order as the earlier ones leave it,
 * so a refused change writes nothing at all; a stale expected version is VERSION_CONFLICT before
 * any rule is looked at, unless the request is a replay. Resolves to the order once the read
 * model shows the change.
 */
export async function changeOrder(
  deps: ChangeOrderDeps,
  viewer: Viewer,
  orderId: string,
  change: PatchProductionOrderBody,
  options: ChangeOptions = {},
): Promise<ProductionOrderView> {
  const { expectedVersion, idempotencyKey } = options;
  const commands = commandsOf(change, orderId, actorOf(viewer), new Date(), idempotencyKey);
  const loaded = await deps.commands.load(orderId);
  if (!loaded.state) throw new AppError('NOT_FOUND', `Order ${orderId} not found`, { orderId });
  const state = loaded.state;
  const replay = commands.some(
    (c) => c.idempotencyKey !== undefined && state.appliedIdempotencyKeys.has(c.idempotencyKey),
  );
  if (expectedVersion !== undefined && expectedVersion !== loaded.version && !replay) {
    throw new AppError('VERSION_CONFLICT', `Order ${orderId} is at version ${loaded.version}, not ${expectedVersion}`, {
      orderId,
      expectedVersion,
      actualVersion: loaded.version,
    });
  }
  // All or nothing: each change is decided on the order as the earlier ones leave it.
  commands.reduce<Parameters<typeof decide>[1]>(
    (current, command) => decide(command, current).reduce(evolve, current),
    state,
  );

  let version = expectedVersion;
  let last: OrderCommandResult | undefined;
  for (const command of commands) {
    last = await deps.commands.execute(command, version === undefined ? {} : { expectedVersion: version });
    if (version !== undefined) version = last.version;
  }
  return visibleOrder(deps, viewer, orderId, last?.position);
}

/** GraphQL's nulls are "not given" for the command options. */
export function commandOptionsOf(
  viewer: Viewer,
  given: { readonly expectedVersion?: number | null; readonly idempotencyKey?: string | null },
): CommandOptions {
  return {
    actor: actorOf(viewer),
    ...(given.expectedVersion === null || given.expectedVersion === undefined
      ? {}
      : { expectedVersion: given.expectedVersion }),
    ...(given.idempotencyKey === null || given.idempotencyKey === undefined
      ? {}
      : { idempotencyKey: given.idempotencyKey }),
  };
}

/**
 * Runs one command as the viewer and answers with the order once the read model holds the
 * change (read-your-writes). A viewer who may not see every order and names an expected version
 * is checked first: the command compares versions before the domain checks the owner, so
 * someone else's order would answer VERSION_CONFLICT with its version, and a missing one
 * "version 0", an oracle for which orders exist.
 */
export async function runAsViewer(
  deps: OrderReadDeps,
  viewer: Viewer,
  orderId: string,
  options: CommandOptions,
  run: (options: CommandOptions) => Promise<OrderCommandResult>,
): Promise<ProductionOrderView> {
  if (options.expectedVersion !== undefined && ownerScope(viewer) !== undefined) {
    const { state } = await deps.commands.load(orderId);
    if (!state || !isViewable(viewer, state.ownerId))
      throw new AppError('NOT_FOUND', `Order ${orderId.toLowerCase()} not found`, { orderId: orderId.toLowerCase() });
  }
  const result = await run(options);
  return visibleOrder(deps, viewer, result.orderId, result.position);
}

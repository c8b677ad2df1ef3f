import type { Viewer } from '../../auth/viewer.ts';
import { AppError, isAppError, type ErrorCode } from '../../domain/errors.ts';
import type { ProductionOrderView } from '../../projections/index.ts';
import type { SetOrderStatus } from '../../domain/order/index.ts';
import type { OrderCommands } from '../../commands/order/index.ts';
import { visibleOrder, type OrderReadDeps } from './visibleOrder.ts';
import { actorOf } from './visibility.ts';

export interface BulkDeps extends OrderReadDeps {
  readonly commands: Pick<OrderCommands, 'load' | 'execute'>;
  readonly clock?: () => Date;
  /** Where an unexpected error of one item is reported: it fails that item, not the request. */
  readonly logError?: (error: unknown, message: string) => void;
}

export interface BulkInput {
  readonly items: readonly { readonly id: string; readonly expectedVersion?: number | null }[];
  readonly status: string;
  readonly message?: string | null;
  readonly dryRun?: boolean | null;
}

/** One item's outcome: the order as it is now when the viewer may see it, and the refusal if any. */
export interface BulkItemResult {
  readonly id: string;
  readonly ok: boolean;
  readonly order: ProductionOrderView | null;
  readonly error: { readonly code: ErrorCode | 'INTERNAL_SERVER_ERROR'; readonly message: string } | null;
}

/** One request moves at most this many orders: each is a command of its own. */
export const MAX_BULK_ITEMS = 100;

/**
 * `bulkSetOrderStatus`: one result per item, in the order given, each decided on its own with
 * its own expected version, so one refusal never blocks the others. `dryRun` decides every item
 * against the current events and writes nothing.
 */
export async function bulkSetOrderStatus(
  deps: BulkDeps,
  viewer: Viewer,
  input: BulkInput,
): Promise<{ readonly results: readonly BulkItemResult[] }> {
  if (input.items.length === 0 || input.items.length > MAX_BULK_ITEMS) {
    throw new AppError('BAD_USER_INPUT', `Give 1 to ${MAX_BULK_ITEMS} items`, {
      fields: [{ path: 'input.items', message: `must list 1 to ${MAX_BULK_ITEMS} orders` }],
    });
  }
  const now = deps.clock ?? (() => new Date());
  const access = { readModel: deps.readModel, commands: deps.commands };
  const dryRun = input.dryRun === true;
  const results: BulkItemResult[] = [];
  for (const item of input.items) {
    const command: SetOrderStatus = {
      type: 'SetOrderStatus',
      orderId: item.id,
      actor: actorOf(viewer),
      now: now(),
      to: input.status,
      message: input.message ?? null,
    };
    const expected =
      item.expectedVersion === null || item.expectedVersion === undefined
        ? {}
        : { expectedVersion: item.expectedVersion };
    try {
      const result = await deps.commands.execute(command, { ...expected, dryRun });
      // A dry run shows the order as it is: nothing was written to wait for.
      const order = await visibleOrder(access, viewer, result.orderId, dryRun ? undefined : result.position);
      results.push({ id: item.id, ok: true, order, error: null });
    } catch (error) {
      if (!isAppError(error)) deps.logError?.(error, `bulkSetOrderStatus: unexpected error for order ${item.id}`);
      const code = isAppError(error) ? error.code : 'INTERNAL_SERVER_ERROR';
      const message = isAppError(error) ? error.message : 'Unexpected error.';
      // The order as it is, when the viewer may see it, so the client can show why and retry.
      const order =
        isAppError(error) && error.code !== 'NOT_FOUND'
          ? await visibleOrder(access, viewer, item.id).catch(() => null)
          : null;
      results.push({ id: item.id, ok: false, order, error: { code, message } });
    }
  }
  return { results };
}

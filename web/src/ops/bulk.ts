import { ApiError } from '../client/errors.ts';
import type {
  BulkSetOrderStatusInput,
  BulkSetOrderStatusMutation,
  OpsOrderRowFragment,
  ProductionOrderState,
} from '../gql/graphql.ts';

/** `bulkSetOrderStatus` takes at most 100 items per call (the API refuses more with BAD_USER_INPUT). */
export const BULK_CHUNK = 100;
/** "All matching the filter" selects at most this many; a larger set must be narrowed first. */
export const MAX_BULK_SELECTION = 1000;

/** An order picked for a bulk change, with the version the console showed when it was picked. */
export interface BulkItem {
  readonly id: string;
  readonly reference: string;
  readonly expectedVersion: number;
}

export type BulkOutcome =
  /** Changed (or, in a dry run, would change). */
  | 'ok'
  /** The order changed since the console loaded it: nothing was done to it. */
  | 'conflict'
  /** The server refused it (not allowed from its state, not found, …). */
  | 'refused'
  /** No answer came for it (the request failed): it may or may not have changed. */
  | 'unknown';

export interface BulkResult {
  readonly id: string;
  readonly reference: string;
  readonly outcome: BulkOutcome;
  readonly code: string | null;
  readonly message: string | null;
  /** The order as the server answered it (after the change, or as it is). */
  readonly order: OpsOrderRowFragment | null;
}

/** One call of `bulkSetOrderStatus`: its results (the page sends it with its client; tests with a fake). */
export type SendBulk = (
  input: BulkSetOrderStatusInput,
) => Promise<BulkSetOrderStatusMutation['bulkSetOrderStatus']['results']>;

export interface BulkRequest {
  readonly items: readonly BulkItem[];
  readonly status: ProductionOrderState;
  readonly message: string;
  readonly dryRun: boolean;
}

/**
 * Sends a bulk status change in chunks the API accepts, one after another, and gives one result
 * per item in the order given, each from the server's answer. A chunk whose request fails gives
 * `unknown` for its items (nothing is assumed) and the rest still go.
 */
export async function runBulk(
  send: SendBulk,
  request: BulkRequest,
  onProgress?: (done: number) => void,
): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (let start = 0; start < request.items.length; start += BULK_CHUNK) {
    const chunk = request.items.slice(start, start + BULK_CHUNK);
    try {
      const answer = await send({
        items: chunk.map((item) => ({ id: item.id, expectedVersion: item.expectedVersion })),
        status: request.status,
        ...(request.message.trim() ? { message: request.message.trim() } : {}),
        dryRun: request.dryRun,
      });
      const byId = new Map(answer.map((result) => [result.id.toLowerCase(), result]));
      for (const item of chunk) {
        const result = byId.get(item.id.toLowerCase());
        if (!result) {
          results.push({
            id: item.id,
            reference: item.reference,
            outcome: 'unknown',
            code: null,
            message: 'The server gave no result for this order.',
            order: null,
          });
          continue;
        }
        const code = result.error?.code ?? null;
        const outcome: BulkOutcome = result.ok ? 'ok' : code === 'VERSION_CONFLICT' ? 'conflict' : 'refused';
        results.push({
          id: item.id,
          reference: item.reference,
          outcome,
          code,
          message: result.error?.message ?? null,
          order: result.order ?? null,
        });
      }
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError('The request failed.', 'NETWORK', true);
      for (const item of chunk) {
        results.push({
          id: item.id,
          reference: item.reference,
          outcome: 'unknown',
          code: error.code,
          message: `${error.message} Its outcome is unknown: reload to check.`,
          order: null,
        });
      }
    }
    onProgress?.(results.length);
  }
  return results;
}

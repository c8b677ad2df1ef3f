import type { ErrorCode } from '../errors.ts';
import type { Actor } from './events.ts';
import type { Order } from './state.ts';
import { type OrderAction, refusalOf, USER_ACTIONS } from './transitions.ts';

/** Whether an action is open to this actor now, and if not, why (the same words the command would get). */
export interface ActionAvailability {
  readonly action: OrderAction;
  readonly allowed: boolean;
  /** Null when allowed; otherwise the message of the error the command would fail with. */
  readonly reason: string | null;
  /** Null when allowed; otherwise that error's code. */
  readonly code: ErrorCode | null;
}

/**
 * Every person-facing action on `order` for `actor`, read from the transitions table. Time plays
 * no part in the rules, so no clock is needed. Allowed means a well-formed command succeeds;
 * it may still be refused for bad input (e.g. an operator's cancel without a reason).
 */
export function allowedActions(
  order: Order,
  actor: Actor,
  actions: readonly OrderAction[] = USER_ACTIONS,
): ActionAvailability[] {
  return actions.map((action) => {
    const refusal = refusalOf(action, order, actor);
    return refusal
      ? { action, allowed: false, reason: refusal.message, code: refusal.code }
      : { action, allowed: true, reason: null, code: null };
  });
}

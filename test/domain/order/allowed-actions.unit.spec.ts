import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors.ts';
import {
  allowedActions,
  decide,
  transitionsMarkdown,
  USER_ACTIONS,
  type Actor,
  type OrderAction,
  type OrderCommand,
} from '../../../src/domain/order/index.ts';
import {
  ORDER_ID,
  STATE_NAMES,
  hoursLater,
  operator,
  otherCustomer,
  owner,
  stateOf,
  stripe,
  system,
} from './fixtures.ts';

const base = { orderId: ORDER_ID, now: hoursLater(10) };
/** A well-formed command for each person-facing action. */
const COMMANDS: Readonly<Record<OrderAction, ((actor: Actor) => OrderCommand) | undefined>> = {
  approve: (actor) => ({ type: 'SetOrderStatus', ...base, actor, to: 'approved' }),
  startProduction: (actor) => ({ type: 'SetOrderStatus', ...base, actor, to: 'in_production' }),
  fulfill: (actor) => ({ type: 'SetOrderStatus', ...base, actor, to: 'fulfilled' }),
  cancel: (actor) => ({
    type: 'CancelOrder',
    ...base,
    actor,
    reason: 'no longer needed',
    ...(actor.type === 'stripe' ? { sessionId: 'cs_1' } : {}),
  }),
  setPriority: (actor) => ({ type: 'SetPriority', ...base, actor, priority: 'rush', reason: null }),
  updateNotes: (actor) => ({ type: 'UpdateNotes', ...base, actor, notes: 'Pack in pairs' }),
  postMessage: (actor) => ({ type: 'PostMessage', ...base, actor, message: 'Ink arrives tomorrow' }),
  openCheckout: undefined,
  confirmPayment: undefined,
  failPayment: undefined,
  recordRefund: undefined,
  recordRefundFailure: undefined,
  recordDispute: undefined,
  issueTrackingLink: undefined,
  revokeTrackingLink: undefined,
};
const ACTORS = { owner, otherCustomer, operator, stripe, system };

describe('allowedActions', () => {
  const cases = STATE_NAMES.flatMap((state) =>
    Object.entries(ACTORS).map(([actorName, actor]) => ({ state, actorName, actor })),
  );

  it.each(cases)('agrees with decide on a $state order for $actorName', ({ state, actor }) => {
    const order = stateOf(state);
    for (const { action, allowed, reason, code } of allowedActions(order, actor)) {
      const build = COMMANDS[action];
      if (!build) throw new Error(`no command for ${action}`);
      let refusal: AppError | undefined;
      try {
        decide(build(actor), order);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refusal = error;
      }
      expect({ action, allowed, reason, code }).toEqual({
        action,
        allowed: refusal === undefined,
        reason: refusal?.message ?? null,
        code: refusal?.code ?? null,
      });
    }
  });

  it('lists every person-facing action, in order', () => {
    expect(allowedActions(stateOf('draft'), operator).map((a) => a.action)).toEqual(USER_ACTIONS);
  });

  it('shows an operator what a submitted order on hold allows', () => {
    const byAction = Object.fromEntries(
      allowedActions(stateOf('submitted·hold'), operator).map((a) => [a.action, a.allowed ? 'yes' : a.code]),
    );
    expect(byAction).toEqual({
      approve: 'ORDER_ON_HOLD',
      startProduction: 'ILLEGAL_TRANSITION',
      fulfill: 'ILLEGAL_TRANSITION',
      cancel: 'yes',
      setPriority: 'yes',
      updateNotes: 'yes',
      postMessage: 'yes',
    });
  });

  it('shows the owner of a submitted order only the cancel, with readable reasons for the rest', () => {
    const actions = allowedActions(stateOf('submitted'), owner);
    expect(actions.filter((a) => a.allowed).map((a) => a.action)).toEqual(['cancel']);
    expect(actions.find((a) => a.action === 'approve')?.reason).toBe('Only an operator can approve the order');
  });

  it('leaves the refused command its full error: code, message and details', () => {
    const thrown = (command: OrderCommand, state: Parameters<typeof stateOf>[0]): unknown => {
      try {
        decide(command, stateOf(state));
      } catch (error) {
        return error;
      }
      throw new Error('expected a refusal');
    };
    const late = thrown(COMMANDS.approve!(operator), 'fulfilled');
    expect(late).toBeInstanceOf(AppError);
    expect(late).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { action: 'approve', orderStatus: 'fulfilled', allowedFrom: ['submitted'] },
    });
    expect((late as AppError).message).toBe(
      allowedActions(stateOf('fulfilled'), operator).find((a) => a.action === 'approve')?.reason,
    );
    expect(thrown(COMMANDS.approve!(operator), 'submitted·hold')).toMatchObject({
      code: 'ORDER_ON_HOLD',
      details: { action: 'approve' },
    });
    expect(thrown(COMMANDS.approve!(owner), 'submitted')).toMatchObject({
      code: 'FORBIDDEN',
      details: { action: 'approve' },
    });
    expect(thrown(COMMANDS.cancel!(otherCustomer), 'draft')).toMatchObject({
      code: 'NOT_FOUND',
      details: { orderId: ORDER_ID },
    });
  });
});

describe('the transitions table in the README', () => {
  it('is the table the code reads', () => {
    const readme = readFileSync(new URL('../../../src/domain/order/README.md', import.meta.url), 'utf8');
    expect(readme).toContain(transitionsMarkdown());
  });
});

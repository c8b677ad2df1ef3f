import { AppError } from '../../src/domain/errors.ts';
import type { Decider } from '../../src/commands/handleCommand.ts';

/** A tiny tally: add while open, close (idempotent), reopen. Enough to show every handler path. */
export type TallyCommand = { type: 'Add'; amount: number } | { type: 'Close' } | { type: 'Reopen' };
export type TallyEvent = { type: 'Added'; amount: number } | { type: 'Closed' } | { type: 'Reopened' };
export interface Tally {
  readonly total: number;
  readonly open: boolean;
}

export const tallyDecider: Decider<Tally, TallyCommand, TallyEvent> & { decisions: number } = {
  decisions: 0,
  initialState: () => ({ total: 0, open: true }),
  decide(command, state) {
    tallyDecider.decisions += 1;
    switch (command.type) {
      case 'Add':
        if (!state.open) throw new AppError('ILLEGAL_TRANSITION', 'The tally is closed');
        return [{ type: 'Added', amount: command.amount }];
      case 'Close':
        return state.open ? [{ type: 'Closed' }] : [];
      case 'Reopen':
        return state.open ? [] : [{ type: 'Reopened' }];
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'Added':
        return { ...state, total: state.total + event.amount };
      case 'Closed':
        return { ...state, open: false };
      case 'Reopened':
        return { ...state, open: true };
      default:
        return state;
    }
  },
};

import { useRef, useState } from 'react';
import { ApiError } from '../client/errors.ts';

export type CommandOutcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'pending'; readonly text: string }
  | { readonly kind: 'done'; readonly text: string }
  | { readonly kind: 'refused'; readonly text: string; readonly code: string }
  | { readonly kind: 'conflict'; readonly text: string };

export interface Command {
  readonly outcome: CommandOutcome;
  readonly pending: boolean;
  /**
   * Runs one command and shows its outcome only once the server answered (the mutations answer
   * once the read model has the change): `done` with `success(answer)`, or refused with the
   * server's words, or a version conflict (told as `conflictText`). Resolves true when it was done.
   */
  run<T>(
    pendingText: string,
    send: () => Promise<T>,
    success: (answer: T) => string,
    conflictText?: string,
  ): Promise<boolean>;
  reset(): void;
}

export const CONFLICT_TEXT =
  'Not done: someone changed the order meanwhile. The page now shows the order as it is; check it and try again.';

export function useCommand(): Command {
  const [outcome, setOutcome] = useState<CommandOutcome>({ kind: 'idle' });
  const running = useRef(false);
  return {
    outcome,
    pending: outcome.kind === 'pending',
    async run(pendingText, send, success, conflictText = CONFLICT_TEXT) {
      // A second press while the first is on its way would send the command twice.
      if (running.current) return false;
      running.current = true;
      setOutcome({ kind: 'pending', text: pendingText });
      try {
        const answer = await send();
        setOutcome({ kind: 'done', text: success(answer) });
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'VERSION_CONFLICT')
          setOutcome({ kind: 'conflict', text: conflictText });
        else if (error instanceof ApiError)
          setOutcome({ kind: 'refused', text: `Not done: ${error.message}`, code: error.code });
        else setOutcome({ kind: 'refused', text: 'Not done: the request failed.', code: 'NETWORK' });
        return false;
      } finally {
        running.current = false;
      }
    },
    reset: () => setOutcome({ kind: 'idle' }),
  };
}

/**
 * Where a command's outcome is told, right by the control that made it: a polite live region
 * that exists before anything is said in it (a region added with its text is not announced).
 */
export function CommandOutcomeText({ outcome, id, testId }: { outcome: CommandOutcome; id?: string; testId?: string }) {
  const className =
    outcome.kind === 'refused' || outcome.kind === 'conflict'
      ? 'ops-outcome error'
      : outcome.kind === 'done'
        ? 'ops-outcome ops-done'
        : 'ops-outcome';
  return (
    <p className={className} aria-live="polite" id={id} data-testid={testId} data-outcome={outcome.kind} tabIndex={-1}>
      {outcome.kind === 'idle' ? '' : outcome.text}
    </p>
  );
}

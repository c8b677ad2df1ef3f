import { useEffect, useRef, useState } from 'react';
import { formatDuration } from '../format.ts';

export interface EtaInput {
  readonly etaAt: string | null;
  readonly etaDays: number;
  readonly onHold: boolean;
  readonly fulfilled: boolean;
  readonly canceled: boolean;
  /** Not paid yet: the clock has not started. */
  readonly draft: boolean;
}

function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/**
 * The ETA countdown, ticking every second against `etaAt`. On hold the server stops the clock
 * (`etaAt` null): the time left is kept, to the second when this page saw it running, else in
 * the whole days the server keeps. Not live-announced: a per-second announcement is noise.
 */
export function EtaCountdown({ eta }: { eta: EtaInput }) {
  const running = eta.etaAt !== null && !eta.onHold && !eta.fulfilled && !eta.canceled;
  const now = useNow(running);
  const lastLeft = useRef<number | undefined>(undefined);
  let text: string;
  let state: string;
  if (eta.canceled) {
    [text, state] = ['No ETA: the order is canceled', 'canceled'];
  } else if (eta.fulfilled) {
    [text, state] = ['Ready', 'ready'];
  } else if (eta.onHold) {
    const kept = lastLeft.current;
    [text, state] = [kept !== undefined ? `Paused (on hold): ${formatDuration(kept)} left` : `Paused (on hold): ${days(eta.etaDays)} left`, 'paused'];
  } else if (eta.etaAt !== null) {
    const left = Date.parse(eta.etaAt) - now;
    lastLeft.current = Math.max(0, left);
    [text, state] = left >= 0 ? [`${formatDuration(left)} left`, 'running'] : [`Overdue by ${formatDuration(-left)}`, 'overdue'];
  } else if (eta.draft) {
    [text, state] = [`Ready within ${days(eta.etaDays)} of payment`, 'not-started'];
  } else {
    [text, state] = [`${days(eta.etaDays)} left`, 'running'];
  }
  return (
    <p className={`eta eta-${state}`} data-eta-state={state}>
      {text}
      {running && eta.etaAt ? (
        <>
          {' '}
          <span className="muted">(due <time dateTime={eta.etaAt}>{new Date(eta.etaAt).toLocaleString()}</time>)</span>
        </>
      ) : null}
    </p>
  );
}

import { useEffect, useRef, useState } from 'react';
import { describeEta, type EtaInput } from '../eta.ts';

export type { EtaInput } from '../eta.ts';

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

/**
 * The ETA countdown, ticking every second against `etaAt` (see `describeEta`). Not
 * live-announced: a per-second announcement is noise.
 */
export function EtaCountdown({ eta }: { eta: EtaInput }) {
  const running = eta.etaAt !== null && !eta.onHold && !eta.fulfilled && !eta.canceled;
  const now = useNow(running);
  const lastLeft = useRef<number | undefined>(undefined);
  const view = describeEta(eta, now, lastLeft.current);
  useEffect(() => {
    if (view.leftMs !== undefined) lastLeft.current = view.leftMs;
  });
  return (
    <p className={`eta eta-${view.state}`} data-eta-state={view.state}>
      {view.text}
      {running && eta.etaAt ? (
        <>
          {' '}
          <span className="muted">
            (due <time dateTime={eta.etaAt}>{new Date(eta.etaAt).toLocaleString()}</time>)
          </span>
        </>
      ) : null}
    </p>
  );
}

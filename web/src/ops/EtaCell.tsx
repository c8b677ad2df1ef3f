import { useSyncExternalStore } from 'react';
import { describeEta } from '../eta.ts';
import type { OpsOrderRowFragment } from '../gql/graphql.ts';

/**
 * One clock for the whole table: a single timer ticks every second while any ETA cell shows a
 * running countdown, and only those cells re-render (not the rows around them).
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const each of [...listeners]) each();
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
const noSubscription = () => () => undefined;
/** Between ticks the last tick; with no timer yet, the current second (stable within it, as React wants). */
function snapshot(): number {
  if (timer === undefined) now = Math.floor(Date.now() / 1000) * 1000;
  return now;
}

type EtaRow = Pick<OpsOrderRowFragment, 'etaAt' | 'etaDays' | 'priority' | 'orderStatus' | 'canceled'>;

/** The ETA as the customer pages say it (`describeEta`): time left, overdue, paused on hold, ready. */
export function EtaCell({ row }: { row: EtaRow }) {
  const eta = {
    etaAt: row.etaAt,
    etaDays: row.etaDays,
    onHold: row.priority === 'HOLD',
    fulfilled: row.orderStatus === 'FULFILLED',
    canceled: row.canceled,
    draft: row.orderStatus === 'DRAFT',
  };
  const running = eta.etaAt !== null && !eta.onHold && !eta.fulfilled && !eta.canceled;
  const shownNow = useSyncExternalStore(running ? subscribe : noSubscription, running ? snapshot : () => 0);
  const view = describeEta(eta, running ? shownNow : Date.now(), undefined);
  return (
    <span className={`eta-cell eta-${view.state}`} data-eta-state={view.state} title={view.text}>
      {/* Short in a table cell; the full sentence is the title. */}
      {view.state === 'canceled' ? 'No ETA' : view.state === 'not-started' ? `Unpaid (${eta.etaDays}d)` : view.text}
    </span>
  );
}

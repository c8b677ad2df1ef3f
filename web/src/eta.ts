import { formatDuration } from './format.ts';

export interface EtaInput {
  readonly etaAt: string | null;
  readonly etaDays: number;
  readonly onHold: boolean;
  readonly fulfilled: boolean;
  readonly canceled: boolean;
  /** Not paid yet: the clock has not started. */
  readonly draft: boolean;
}

export type EtaState = 'canceled' | 'ready' | 'paused' | 'running' | 'overdue' | 'not-started';

export interface EtaView {
  readonly state: EtaState;
  readonly text: string;
  /** The time left now, in ms, while the clock runs: kept by the page for when it pauses. */
  readonly leftMs?: number;
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/**
 * What the ETA countdown says at `now`. On hold the server stops the clock (`etaAt` null) and
 * keeps the time left: to the second when the page saw it running (`keptLeftMs`), else in the
 * whole days the server keeps.
 */
export function describeEta(eta: EtaInput, now: number, keptLeftMs: number | undefined): EtaView {
  if (eta.canceled) return { state: 'canceled', text: 'No ETA: the order is canceled' };
  if (eta.fulfilled) return { state: 'ready', text: 'Ready' };
  if (eta.onHold) {
    return {
      state: 'paused',
      text: `Paused (on hold): ${keptLeftMs !== undefined ? formatDuration(keptLeftMs) : days(eta.etaDays)} left`,
    };
  }
  if (eta.etaAt !== null) {
    const left = Date.parse(eta.etaAt) - now;
    return left >= 0
      ? { state: 'running', text: `${formatDuration(left)} left`, leftMs: left }
      : { state: 'overdue', text: `Overdue by ${formatDuration(-left)}`, leftMs: 0 };
  }
  if (eta.draft) return { state: 'not-started', text: `Ready within ${days(eta.etaDays)} of payment` };
  return { state: 'running', text: `${days(eta.etaDays)} left` };
}

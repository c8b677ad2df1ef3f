import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/** A beat unanswered this long means the connection is gone; a goodbye is waited for no longer either. */
export const HEARTBEAT_TIMEOUT_MS = 4000;

/**
 * Keeps a long-lived connection honest: a `select 1` every `everyMs`, and `onDead` when one fails
 * or takes longer than `timeoutMs`. A half-open connection (a NAT or firewall that dropped it
 * silently, a host that vanished) fires neither `error` nor `end` on its own; without this its
 * owner would go on believing it listens, or leads. Returns stop.
 */
export function startHeartbeat(
  client: pg.Client,
  onDead: () => void,
  options: { readonly everyMs?: number; readonly timeoutMs?: number } = {},
): () => void {
  const everyMs = options.everyMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 5000;
  let stopped = false;
  const timer = setInterval(() => {
    client.query({ text: 'select 1', query_timeout: timeoutMs } as pg.QueryConfig).catch(() => {
      if (!stopped) onDead();
    });
  }, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * Ends the connection, waiting for its goodbye no longer than `ms`: a half-open one never
 * answers, and its socket is then destroyed (left open it would keep the process alive until TCP
 * gives up).
 */
export async function endWithin(client: pg.Client, ms: number): Promise<void> {
  const waited = new AbortController();
  let ended = false;
  await Promise.race([
    client.end().then(
      () => (ended = true),
      () => (ended = true),
    ),
    sleep(ms, undefined, { signal: waited.signal }).catch(() => undefined),
  ]);
  waited.abort();
  if (!ended) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { comparePositions, type GlobalPosition } from '../../src/eventstore/eventStore.ts';
import type { OrderCommands } from '../../src/commands/order/index.ts';
import type { ChangeFeed } from '../../src/projections/index.ts';
import type { Actor } from '../../src/domain/order/index.ts';
import { now, type Commit } from './protocol.ts';
import { summarise } from './stats.ts';

export interface ChangeOptions {
  readonly rate: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Changes allowed in flight; past it a due change is counted as not sent (the server fell behind). */
  readonly maxInFlight: number;
}

export interface ChangeRun {
  /** Changes started in the measured window, each with the instant (our clock) its command returned. */
  readonly commits: Commit[];
  /** Changes started, warm-up included. */
  readonly sent: number;
  readonly failed: number;
  readonly firstError?: string;
  readonly notSent: number;
  readonly commandP50Ms: number;
  readonly commandP99Ms: number;
  /** From the command's return to this process's change feed announcing the change in the read model. */
  readonly projectedP50Ms: number;
  readonly projectedP99Ms: number;
  /** This (server) process's event-loop delay p99 over the whole run. */
  readonly serverLoopDelayP99Ms: number;
}

const TICK_MS = 10;

/**
 * Open loop of operator messages (`postMessage`) through the server's own command service,
 * `rate` per second in 10 ms ticks, to random orders of `orderIds`. A change's commit time is
 * taken right after its command returns (the append committed and acknowledged).
 */
export async function runChanges(
  deps: { readonly commands: OrderCommands; readonly changeFeed: Pick<ChangeFeed, 'subscribe'> },
  operator: Actor,
  orderIds: readonly string[],
  options: ChangeOptions,
): Promise<ChangeRun> {
  // When each change reached the read model, to split the latency into projection and delivery.
  // The feed announces an order at its batch's position, so a change is in once a notice for
  // its order is at or past the change's own position.
  const notices = new Map<string, [GlobalPosition, number][]>();
  const unsubscribe = deps.changeFeed.subscribe((change) => {
    const seen = notices.get(change.orderId) ?? [];
    seen.push([change.position, now()]);
    notices.set(change.orderId, seen);
  });
  const returned: [string, GlobalPosition, number][] = [];
  const projectedAt = ([orderId, position]: [string, GlobalPosition, number]) =>
    notices.get(orderId)?.find(([at]) => comparePositions(at, position) >= 0)?.[1];
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const start = now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  const commits: Commit[] = [];
  const commandMs: number[] = [];
  const running = new Set<Promise<void>>();
  let scheduled = 0;
  let failed = 0;
  let notSent = 0;
  let firstError: string | undefined;

  const change = (sequence: number): Promise<void> => {
    const orderId = orderIds[Math.floor(Math.random() * orderIds.length)]!;
    const began = now();
    return deps.commands.postMessage(orderId, { message: `bench change ${sequence}` }, { actor: operator }).then(
      (result) => {
        const returnedAt = now();
        if (began >= measureFrom && began < stopAt) {
          commits.push([result.orderId, result.version, returnedAt]);
          commandMs.push(returnedAt - began);
          returned.push([result.orderId, result.position, returnedAt]);
        }
      },
      (error: unknown) => {
        failed++;
        firstError ??= String(error);
      },
    );
  };

  while (now() < stopAt) {
    const due = Math.floor(((now() - start) / 1000) * options.rate);
    for (; scheduled < due; scheduled++) {
      if (running.size >= options.maxInFlight) {
        notSent++;
        continue;
      }
      const pending = change(scheduled).finally(() => running.delete(pending));
      running.add(pending);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(running);
  loopDelay.disable();
  await waitUntil(() => returned.every((change) => projectedAt(change) !== undefined), 10_000);
  unsubscribe();
  const command = summarise(commandMs);
  const projected = summarise(
    returned.flatMap((change) => {
      const at = projectedAt(change);
      return at === undefined ? [] : [at - change[2]];
    }),
  );
  return {
    commits,
    sent: scheduled - notSent,
    failed,
    ...(firstError ? { firstError } : {}),
    notSent,
    commandP50Ms: command.p50Ms,
    commandP99Ms: command.p99Ms,
    projectedP50Ms: projected.p50Ms,
    projectedP99Ms: projected.p99Ms,
    serverLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  };
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!check() && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

import { formatPosition, type GlobalPosition } from '../eventstore/eventStore.ts';
import { projectionStatus, readModelProjections, rebuildProjections, RebuildBusyError } from '../projections/index.ts';
import { CliError, type CliContext } from './context.ts';
import { REFUND_REACTOR_LOCK_KEY } from '../db/leadership.ts';
import { REFUND_REACTOR_CHECKPOINT } from '../payments/refundRunner.ts';

const at = (position: GlobalPosition | undefined): string => (position ? formatPosition(position) : '(none)');

/**
 * `projections status [--json]`: each projection's position, lag behind the head (events,
 * seconds), whether a projector and a rebuild are running, and its dead letters; then the refund
 * reactor's position, lag and whether some process runs it.
 * `projections rebuild`: fresh tables beside the live ones, caught up, switched in.
 */
export async function projectionsCommand(
  context: CliContext,
  action: string | undefined,
  flags: ReadonlySet<string>,
): Promise<void> {
  if (action === 'status') return status(context, flags.has('--json'));
  if (action === 'rebuild') return rebuild(context);
  throw new CliError('usage: projections status [--json] | projections rebuild', 2);
}

async function status(context: CliContext, json: boolean): Promise<void> {
  const statuses = await projectionStatus({
    pool: await context.pool(),
    eventStore: await context.eventStore(),
    projections: readModelProjections(context.config.shopTimeZone),
    reactors: [{ name: REFUND_REACTOR_CHECKPOINT, lockKey: REFUND_REACTOR_LOCK_KEY }],
  });
  if (json) {
    context.io.out(
      JSON.stringify(statuses, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2),
    );
    return;
  }
  for (const s of statuses) {
    context.io.out(
      s.kind === 'reactor'
        ? `${s.name} (reactor: follows the order events, writes no tables)`
        : `${s.name} (${s.tables.join(', ')})`,
    );
    context.io.out(
      `  position     ${at(s.position)}   head ${at(s.head)}   updated ${s.updatedAt?.toISOString() ?? 'never'}`,
    );
    context.io.out(`  lag          ${s.lagEvents}${s.lagEventsCapped ? '+' : ''} events, ${s.lagSeconds.toFixed(1)} s`);
    if (s.kind === 'reactor') {
      context.io.out(`  runner       ${s.projectorRunning ? 'running' : 'not running'}`);
      continue;
    }
    context.io.out(
      `  projector    ${s.projectorRunning ? 'running' : 'not running'}   rebuild ${s.rebuildRunning ? 'running' : 'not running'}`,
    );
    context.io.out(`  dead letters ${s.deadLetters.total}`);
    for (const letter of s.deadLetters.items) {
      context.io.out(
        `    ${letter.failedAt.toISOString()} ${letter.streamId}@${letter.streamVersion} ${letter.eventType} at ${at(letter.position)}: ${letter.error}`,
      );
    }
  }
}

async function rebuild(context: CliContext): Promise<void> {
  let lastPhase = '';
  try {
    const report = await rebuildProjections({
      pool: await context.pool(),
      eventStore: await context.eventStore(),
      // The shop's days as configured: a rebuild after a change of SHOP_TIME_ZONE recounts them.
      projections: readModelProjections(context.config.shopTimeZone),
      dropLockTimeoutMs: context.config.rebuildDropLockTimeoutMs,
      onProgress: ({ phase, events }) => {
        if (phase !== lastPhase) context.io.err(`rebuild: ${phase} (${events} events so far)`);
        lastPhase = phase;
      },
    });
    context.io.out(
      `rebuilt and switched: ${report.events} events, ${report.orders} orders in ${(report.durationMs / 1000).toFixed(1)} s ` +
        `(${Math.round(report.eventsPerSecond)} events/s), now at ${at(report.position)}; dead letters cleared: ${report.clearedDeadLetters}`,
    );
    if (!report.retiredDropped)
      context.io.err('rebuild: a reader still held the old tables; they are dropped by the next rebuild');
  } catch (error) {
    if (error instanceof RebuildBusyError) throw new CliError(error.message);
    throw error;
  }
}

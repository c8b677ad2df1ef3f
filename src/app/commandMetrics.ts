import type { OrderCommandResult, OrderCommands } from '../commands/order/index.ts';
import type { OrderCommand } from '../domain/order/index.ts';
import { measureCommand, type CommandMetrics } from '../metrics.ts';

type CommandMethod = Exclude<keyof OrderCommands, 'execute' | 'load'>;

const COMMAND_TYPES: Readonly<Record<CommandMethod, OrderCommand['type']>> = {
  createOrder: 'CreateOrder',
  openCheckoutSession: 'OpenCheckoutSession',
  confirmPayment: 'ConfirmPayment',
  failPayment: 'FailPayment',
  setOrderStatus: 'SetOrderStatus',
  cancelOrder: 'CancelOrder',
  setPriority: 'SetPriority',
  updateNotes: 'UpdateNotes',
  postMessage: 'PostMessage',
  recordRefund: 'RecordRefund',
  issueTrackingLink: 'IssueTrackingLink',
  revokeTrackingLink: 'RevokeTrackingLink',
};

/** `ok`, `replayed` (idempotent repeat), `unchanged` (nothing to do), the error code, or `error`. */
const outcomeOf = (result: OrderCommandResult): string =>
  result.replayed ? 'replayed' : result.events.length === 0 ? 'unchanged' : 'ok';

const measured = (metrics: CommandMetrics, type: string, run: () => Promise<OrderCommandResult>) =>
  measureCommand(metrics, type, run, outcomeOf);

/**
 * The command service, counted: every command by type and outcome in `commands_total` and its
 * duration in `command_duration_seconds`, whoever calls it (GraphQL, REST, webhooks).
 */
export function withCommandMetrics(commands: OrderCommands, metrics: CommandMetrics): OrderCommands {
  const wrapped = { ...commands } as Record<CommandMethod, (...args: never[]) => Promise<OrderCommandResult>>;
  for (const [method, type] of Object.entries(COMMAND_TYPES) as [CommandMethod, string][]) {
    wrapped[method] = (...args: unknown[]) =>
      measured(metrics, type, () =>
        (commands[method] as (...a: unknown[]) => Promise<OrderCommandResult>).call(commands, ...args),
      );
  }
  return {
    ...commands,
    ...(wrapped as Pick<OrderCommands, CommandMethod>),
    execute: (command, options) => measured(metrics, command.type, () => commands.execute(command, options)),
  };
}

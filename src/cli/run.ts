/** The CLI's command line, as a function: `main.ts` runs it on the process, tests call it directly. */
import { ConfigError, loadConfig } from '../config.ts';
import { CliContext, CliError, type CliIo } from './context.ts';
import { garmentsCommand } from './garments.ts';
import { operatorsCommand, tokenCommand } from './operators.ts';
import { projectionsCommand } from './readModelCommands.ts';
import { stripeCommand } from './stripe.ts';

export const USAGE = `usage: npm run cli -- <command>

  operators list                  the operators' user ids, one a line
  operators grant <userId>        make a user an operator (user_profiles.is_operator)
  operators revoke <userId>       take the operator right away
  token <userId> [--operator]     print a 12-hour HS256 token for the user (--operator: grant too)
  projections status [--json]     position, lag and dead letters of each projection; the refund reactor's position, lag and runner
  projections rebuild             rebuild the read model beside the live one and switch, without downtime
  garments import <file.json>     upsert the garment catalog from a JSON array of
                                  { id, title, price | priceCents, sizes, imageUrl? }
  stripe send <event> <orderId|reference> [--amount <cents>] [--status won|lost]
                                  simulated payments: send the order a signed Stripe event through the
                                  running server's webhook (PUBLIC_BASE_URL) and print what it did;
                                  <event>: checkout.session.completed, checkout.session.async_payment_succeeded,
                                  checkout.session.async_payment_failed, checkout.session.expired,
                                  charge.refunded (--amount: refunded total, default all paid), refund.failed,
                                  charge.dispute.created, charge.dispute.updated (evidence sent: under_review),
                                  charge.dispute.closed (--status, default lost)

Configuration: the same environment variables as the server (DATABASE_URL, DATA_DIR, AUTH_JWT_SECRET, ...).`;

const FLAGS = new Set(['--operator', '--json']);
/** Flags followed by a value (`--amount 500` or `--amount=500`). */
const VALUED_FLAGS = new Set(['--amount', '--status']);

/** Splits the command line into words, bare flags and valued flags; a valued flag without its value is a usage mistake. */
function parseArguments(argv: readonly string[]): {
  words: string[];
  flags: Set<string>;
  values: Map<string, string>;
  missing: string[];
} {
  const words: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const [name = arg, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (!VALUED_FLAGS.has(name)) {
      flags.add(arg);
      continue;
    }
    const value = inline ?? argv[index + 1];
    if (inline === undefined) index += 1;
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--')))
      missing.push(`${name} needs a value`);
    else values.set(name, value);
  }
  return { words, flags, values, missing };
}

/** Runs one command line; returns the exit code. Never calls process.exit, so tests can run it. */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<number> {
  const { words, flags, values, missing } = parseArguments(argv);
  // Only `stripe send <event> <order>` takes a third word.
  const [command, first, second, ...more] = words;
  const rest = command === 'stripe' ? more.slice(1) : more;
  if (command === undefined || command === 'help' || flags.has('--help')) {
    io.out(USAGE);
    return command === undefined && !flags.has('--help') ? 2 : 0;
  }
  const unknownFlags = [...flags].filter((flag) => !FLAGS.has(flag));
  if (command !== 'stripe') unknownFlags.push(...values.keys());
  if (unknownFlags.length > 0 || rest.length > 0) {
    io.err(`unexpected ${[...unknownFlags, ...rest].join(' ')}\n\n${USAGE}`);
    return 2;
  }
  if (missing.length > 0) {
    io.err(`${missing.join('; ')}\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(
      `the configuration has ${error.problems.length} problem(s):\n${error.problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    return 1;
  }
  const context = new CliContext(config, io);
  try {
    switch (command) {
      case 'operators':
        await operatorsCommand(context, first, second);
        break;
      case 'token':
        if (second !== undefined) throw new CliError('usage: token <userId> [--operator]', 2);
        await tokenCommand(context, first, flags);
        break;
      case 'projections':
        if (second !== undefined) throw new CliError('usage: projections status [--json] | projections rebuild', 2);
        await projectionsCommand(context, first, flags);
        break;
      case 'garments':
        await garmentsCommand(context, first, second);
        break;
      case 'stripe':
        await stripeCommand(context, first, second, more[0], {
          amount: values.get('--amount'),
          status: values.get('--status'),
        });
        break;
      default:
        throw new CliError(`unknown command "${command}"\n\n${USAGE}`, 2);
    }
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.message);
      return error.exitCode;
    }
    io.err(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    await context.close();
  }
}

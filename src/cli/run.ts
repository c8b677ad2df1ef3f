/** The CLI's command line, as a function: `main.ts` runs it on the process, tests call it directly. */
import { ConfigError, loadConfig } from '../config.ts';
import { CliContext, CliError, type CliIo } from './context.ts';
import { garmentsCommand } from './garments.ts';
import { operatorsCommand, tokenCommand } from './operators.ts';
import { projectionsCommand } from './readModelCommands.ts';

export const USAGE = `usage: npm run cli -- <command>

  operators list                  the operators' user ids, one a line
  operators grant <userId>        make a user an operator (user_profiles.is_operator)
  operators revoke <userId>       take the operator right away
  token <userId> [--operator]     print a 12-hour HS256 token for the user (--operator: grant too)
  projections status [--json]     position, lag and dead letters of each projection; the refund reactor's position, lag and runner
  projections rebuild             rebuild the read model beside the live one and switch, without downtime
  garments import <file.json>     upsert the garment catalog from a JSON array of
                                  { id, title, price | priceCents, sizes, imageUrl? }

Configuration: the same environment variables as the server (DATABASE_URL, DATA_DIR, AUTH_JWT_SECRET, ...).`;

const FLAGS = new Set(['--operator', '--json']);

/** Runs one command line; returns the exit code. Never calls process.exit, so tests can run it. */
export async function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--')));
  const words = argv.filter((arg) => !arg.startsWith('--'));
  const [command, first, second, ...rest] = words;
  if (command === undefined || command === 'help' || flags.has('--help')) {
    io.out(USAGE);
    return command === undefined && !flags.has('--help') ? 2 : 0;
  }
  const unknownFlags = [...flags].filter((flag) => !FLAGS.has(flag));
  if (unknownFlags.length > 0 || rest.length > 0) {
    io.err(`unexpected ${[...unknownFlags, ...rest].join(' ')}\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`the configuration has ${error.problems.length} problem(s):\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
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

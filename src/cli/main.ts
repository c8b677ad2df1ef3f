/**
 * `npm run cli -- <command>`: operator tooling, with the server's configuration and database.
 * Exit codes: 0 done, 1 failed, 2 usage mistake.
 */
import type { CliIo } from './context.ts';
import { environmentWithDotEnv } from '../envFile.ts';
import { runCli } from './run.ts';

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
process.exitCode = await runCli(process.argv.slice(2), environmentWithDotEnv(), io);

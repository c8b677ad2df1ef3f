import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * The environment the configuration is read from: `.env` in the working directory when present,
 * parsed by Node's own parser, under the real environment, whose values win (as with
 * `node --env-file`; an empty value counts as unset, as everywhere in the configuration). Nothing is written to `process.env`. A `.env` that cannot be read (other
 * than missing) is an error, not silently skipped.
 */
export function environmentWithDotEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  file = '.env',
): Readonly<Record<string, string | undefined>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  return { ...parseEnv(text), ...definedOnly(env) };
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import type { TokenKey } from './tokens.ts';

export interface ResolvedTokenKey {
  readonly key: TokenKey;
  /** True when the key is the dev secret in the data dir (the server then prints ready tokens). */
  readonly generated: boolean;
}

export const DEV_SECRET_FILE = 'dev-jwt-secret';

/**
 * The configured secret or JWKS; with neither, a random dev secret created once in
 * `<dataDir>/dev-jwt-secret` and reused, so tokens survive restarts and the CLI mints tokens
 * the running server accepts.
 */
export async function resolveTokenKey(config: {
  readonly auth: Pick<Config['auth'], 'jwtSecret' | 'jwksUrl'> & Partial<Config['auth']>;
  readonly dataDir: string;
}): Promise<ResolvedTokenKey> {
  if (config.auth.jwtSecret) return { key: { kind: 'secret', secret: config.auth.jwtSecret }, generated: false };
  if (config.auth.jwksUrl) return { key: { kind: 'jwks', url: config.auth.jwksUrl }, generated: false };
  return { key: { kind: 'secret', secret: await devSecret(config.dataDir) }, generated: true };
}

async function devSecret(dataDir: string): Promise<string> {
  const file = join(resolve(dataDir), DEV_SECRET_FILE);
  const existing = await readSecret(file);
  if (existing) return existing;
  await mkdir(resolve(dataDir), { recursive: true });
  // Written whole to a temporary file, then hard-linked into place: link() fails when the file
  // exists, so when the server and the CLI race, one complete secret wins for both.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, randomBytes(32).toString('base64url'), { mode: 0o600 });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  const written = await readSecret(file);
  if (!written) throw new Error(`${file} is empty or shorter than 32 characters; delete it to generate a new one`);
  return written;
}

async function readSecret(file: string): Promise<string | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text.length >= 32 ? text : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

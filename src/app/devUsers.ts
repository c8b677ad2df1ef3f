import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { OperatorDirectory } from '../auth/operators.ts';
import { DEV_TOKEN_TTL_SECONDS, mintToken } from '../auth/tokens.ts';
import { isUuid } from '../auth/viewer.ts';

export interface DevUsers {
  readonly operatorId: string;
  readonly customerId: string;
}

export interface DevTokens extends DevUsers {
  readonly operatorToken: string;
  readonly customerToken: string;
}

const FILE = 'dev-users.json';

/**
 * A development sign-in link for the pages: `<base>/signin#token=<JWT>&next=<path>`. The token
 * rides in the fragment, which browsers never send to a server (nor to logs or proxies); the
 * page stores it and goes on to `next`.
 */
export const devSignInUrl = (base: string, token: string, next: string): string =>
  `${base}/signin#token=${token}&next=${next}`;

/**
 * The two development users the server prints tokens for. Their ids are kept in the data dir,
 * so after a restart the same customer sees the same orders; the operator is granted again
 * each time (an operator revoked by the CLI is an operator again after a restart, on purpose).
 */
export async function devTokens(options: {
  readonly dataDir: string;
  readonly secret: string;
  readonly audience: string;
  readonly issuer: string | undefined;
  /** AUTH_MAX_TOKEN_LIFETIME: the tokens live 12 h, or less when the server accepts less. */
  readonly maxLifetimeSeconds: number;
  readonly operators: Pick<OperatorDirectory, 'grant'>;
}): Promise<DevTokens> {
  const users = await loadOrCreate(join(resolve(options.dataDir), FILE));
  await options.operators.grant(users.operatorId);
  const ttlSeconds = Math.min(DEV_TOKEN_TTL_SECONDS, options.maxLifetimeSeconds);
  const mint = (userId: string) =>
    mintToken({ secret: options.secret, userId, audience: options.audience, issuer: options.issuer, ttlSeconds });
  return { ...users, operatorToken: await mint(users.operatorId), customerToken: await mint(users.customerId) };
}

/**
 * The dev customer's token, for GraphiQL's headers in development: a fresh one per call, so a
 * page opened after the banner's tokens expired still works. Never the operator's.
 */
export async function devCustomerToken(options: Omit<Parameters<typeof devTokens>[0], 'operators'>): Promise<string> {
  const users = await loadOrCreate(join(resolve(options.dataDir), FILE));
  const ttlSeconds = Math.min(DEV_TOKEN_TTL_SECONDS, options.maxLifetimeSeconds);
  return mintToken({
    secret: options.secret,
    userId: users.customerId,
    audience: options.audience,
    issuer: options.issuer,
    ttlSeconds,
  });
}

async function loadOrCreate(file: string): Promise<DevUsers> {
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<DevUsers>;
    if (
      typeof stored.operatorId === 'string' &&
      isUuid(stored.operatorId) &&
      typeof stored.customerId === 'string' &&
      isUuid(stored.customerId)
    ) {
      return { operatorId: stored.operatorId, customerId: stored.customerId };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  const users: DevUsers = { operatorId: randomUUID(), customerId: randomUUID() };
  await mkdir(resolve(file, '..'), { recursive: true });
  await writeFile(file, JSON.stringify(users, null, 2), { mode: 0o600 });
  return users;
}

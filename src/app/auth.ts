import type pg from 'pg';
import { createAuthenticator, type Authenticator } from '../auth/authenticate.ts';
import { createOperatorDirectory, type OperatorDirectory } from '../auth/operators.ts';
import { resolveTokenKey } from '../auth/secret.ts';
import { createTokenVerifier, type TokenKey } from '../auth/tokens.ts';
import type { Config } from '../config.ts';

export interface AuthSetup {
  readonly key: TokenKey;
  /** The dev secret was generated (no AUTH_JWT_SECRET, no JWKS): the server prints ready tokens. */
  readonly devSecret: boolean;
  readonly operators: OperatorDirectory;
  readonly authenticator: Authenticator;
}

/** Verification as configured (secret, JWKS or dev secret), operators from `user_profiles`. */
export async function setUpAuth(
  config: Pick<Config, 'auth' | 'dataDir'>,
  pool: pg.Pool,
  options: { readonly hearChanges?: boolean } = {},
): Promise<AuthSetup> {
  const { key, generated } = await resolveTokenKey(config);
  // A server hears changes made by any process (the CLI, another server) at once; close
  // `operators` to stop listening. Without (a one-shot CLI command), answers live 2 s.
  const operators = createOperatorDirectory(pool, options.hearChanges === false ? {} : { listen: pool.options });
  const verifier = createTokenVerifier({
    key,
    audience: config.auth.audience,
    issuer: config.auth.issuer,
    maxLifetimeSeconds: config.auth.maxTokenLifetimeSeconds,
  });
  return { key, devSecret: generated, operators, authenticator: createAuthenticator({ verifier, operators }) };
}

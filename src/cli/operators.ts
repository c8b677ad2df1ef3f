import { resolveTokenKey } from '../auth/secret.ts';
import { DEV_TOKEN_TTL_SECONDS, mintToken } from '../auth/tokens.ts';
import { isUuid } from '../auth/viewer.ts';
import { createOperatorDirectory } from '../auth/operators.ts';
import { CliError, type CliContext } from './context.ts';

function userIdArgument(value: string | undefined): string {
  if (value === undefined) throw new CliError('missing <userId>', 2);
  if (!isUuid(value)) throw new CliError(`<userId> must be a uuid (the token's sub), got "${value}"`, 2);
  return value.toLowerCase();
}

/**
 * `operators grant|revoke <userId>`: the only way a user becomes (or stops being) an operator.
 * `operators list`: who is one now, one user id a line on stdout (a count on stderr).
 */
export async function operatorsCommand(
  context: CliContext,
  action: string | undefined,
  userId: string | undefined,
): Promise<void> {
  if (action === 'list' && userId === undefined) {
    const { rows } = await (
      await context.pool()
    ).query<{ user_id: string }>('select user_id from user_profiles where is_operator order by user_id');
    for (const row of rows) context.io.out(row.user_id);
    context.io.err(`${rows.length} operator(s)`);
    return;
  }
  if (action !== 'grant' && action !== 'revoke')
    throw new CliError('usage: operators grant <userId> | operators revoke <userId> | operators list', 2);
  const id = userIdArgument(userId);
  const operators = createOperatorDirectory(await context.pool(), { cacheMs: 0 });
  if (action === 'grant') await operators.grant(id);
  else await operators.revoke(id);
  // Running servers cache the answer for at most 2 s: the change is in force within seconds.
  context.io.out(`${id} ${action === 'grant' ? 'is now an operator' : 'is no longer an operator'}`);
}

/**
 * `token <userId> [--operator]`: a 12-hour HS256 token signed with AUTH_JWT_SECRET or the dev
 * secret, printed alone on stdout so `$(npm run -s cli -- token …)` works. `--operator` grants too.
 */
export async function tokenCommand(
  context: CliContext,
  userId: string | undefined,
  flags: ReadonlySet<string>,
): Promise<void> {
  const id = userIdArgument(userId);
  const { key } = await resolveTokenKey(context.config);
  if (key.kind !== 'secret') {
    throw new CliError('AUTH_JWKS_URL is set: tokens come from that identity provider, this CLI cannot sign them');
  }
  if (flags.has('--operator')) {
    await createOperatorDirectory(await context.pool(), { cacheMs: 0 }).grant(id);
    context.io.err(`${id} is now an operator`);
  }
  const { audience, issuer, maxTokenLifetimeSeconds } = context.config.auth;
  // 12 h, or less when the server accepts less (AUTH_MAX_TOKEN_LIFETIME): a token it mints must work.
  const ttlSeconds = Math.min(DEV_TOKEN_TTL_SECONDS, maxTokenLifetimeSeconds);
  context.io.out(await mintToken({ secret: key.secret, userId: id, audience, issuer, ttlSeconds }));
}

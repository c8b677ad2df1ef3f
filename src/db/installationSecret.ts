import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/** The secret that keys ids derived from idempotency keys (`nameBasedUuid(parts, secret)`, `src/commands/ids.ts`). */
export const ID_SECRET_NAME = 'ids';
const SECRET_BYTES = 32;

/**
 * This installation's secret named `name`, made on first use: a random one is offered with
 * `insert … on conflict do nothing`, then whichever row won is read. Two statements, not one: the
 * read's snapshot is taken after the insert finished (waiting for a racing start's insert to
 * commit), so every process sharing the database, started together or not, reads the same secret.
 * It lives in the database because it must be the same wherever the same events are handled; the
 * table is outside the read model, so a rebuild never touches it.
 */
export async function loadInstallationSecret(
  db: Pick<pg.Pool, 'query'>,
  name: string = ID_SECRET_NAME,
): Promise<Buffer> {
  await db.query('insert into installation_secrets (name, secret) values ($1, $2) on conflict (name) do nothing', [
    name,
    randomBytes(SECRET_BYTES),
  ]);
  const { rows } = await db.query<{ secret: Buffer }>('select secret from installation_secrets where name = $1', [
    name,
  ]);
  const secret = rows[0]?.secret;
  if (!secret) throw new Error(`installation secret ${name} is missing right after it was made`);
  return secret;
}

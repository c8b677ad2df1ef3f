import type pg from 'pg';
import { loadInstallationSecret } from '../db/installationSecret.ts';

export const DEV_WEBHOOK_SECRET_NAME = 'stripe-dev-webhook';

/**
 * The signing secret of simulated payments' webhook, `whsec_dev_…`, made once per installation.
 * Kept in the database (`installation_secrets`), not the data dir: every server process sharing
 * the database must accept what any of them (or `npm run cli -- stripe send`) signs, and
 * processes on several hosts share a database but not a data dir.
 */
export async function loadDevWebhookSecret(db: Pick<pg.Pool, 'query'>): Promise<string> {
  return `whsec_dev_${(await loadInstallationSecret(db, DEV_WEBHOOK_SECRET_NAME)).toString('base64url')}`;
}

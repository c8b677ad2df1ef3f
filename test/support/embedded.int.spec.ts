import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.ts';

const serverAddress = async (connectionString: string): Promise<string | null> => {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<{ addr: string | null }>('select host(inet_server_addr()) as addr')).rows[0]!.addr;
  } finally {
    await client.end();
  }
};

describe('the embedded database', () => {
  let dataDir: string;
  let db: EmbeddedDatabase;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'embedded-'));
    // The cluster may run as the `postgres` user (when tests run as root): it must reach its folder.
    await chmod(dataDir, 0o755);
    db = await ensureEmbeddedPostgres({ dataDir, database: 'shop', throwaway: true });
  }, 60_000);
  afterAll(async () => {
    await db?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is reached over a Unix socket in its own folder, and over 127.0.0.1 by other tools', async () => {
    expect(new URL(db.url).searchParams.get('host')).toBe(join(dataDir, 'postgres'));
    expect(await serverAddress(db.url)).toBeNull();
    const tcp = new URL(db.url);
    tcp.search = '';
    expect(await serverAddress(tcp.toString())).toBe('127.0.0.1');
  });

  it('is shared, socket and all, with a second process starting on the same folder', async () => {
    const again = await ensureEmbeddedPostgres({ dataDir, database: 'shop', throwaway: true });
    expect(again.owned).toBe(false);
    expect(again.url).toBe(db.url);
    expect(await serverAddress(again.url)).toBeNull();
  });
});

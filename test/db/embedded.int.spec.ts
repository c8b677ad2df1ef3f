import { readFileSync } from 'node:fs';
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

describe('the embedded database, just let go by the process that ran it', () => {
  it("starts again at once, waiting out the old server's shutdown instead of failing on its lock file", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'embedded-restart-'));
    await chmod(dataDir, 0o755);
    try {
      const first = await ensureEmbeddedPostgres({ dataDir, database: 'shop' });
      // What an owner does as it exits (killOnExit): a fast shutdown, which takes a moment.
      const pid = Number.parseInt(
        readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]!,
        10,
      );
      process.kill(pid, 'SIGINT');
      // Once it refuses connections it is shutting down (or gone): start again now.
      for (;;) {
        const client = new pg.Client({ connectionString: first.adminUrl });
        const refused = await client.connect().then(
          () => false,
          () => true,
        );
        await client.end().catch(() => undefined);
        if (refused) break;
      }
      const second = await ensureEmbeddedPostgres({ dataDir, database: 'shop' });
      try {
        expect(second.owned).toBe(true);
        expect(await serverAddress(second.url)).toBeNull();
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

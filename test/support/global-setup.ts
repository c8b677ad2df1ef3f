import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL whose role may CREATE DATABASE; each test file makes its own database. */
    pgAdminUrl: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let tempDir: string | undefined;

/**
 * One PostgreSQL for the whole run: `TEST_DATABASE_URL` when set, else a throwaway embedded
 * cluster. Durability settings are relaxed only here, for speed; benchmarks run durable.
 */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('pgAdminUrl', external);
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'po-test-pg-'));
  tempDir = dataDir;
  // The cluster may run as the `postgres` user (when we are root): it must reach its folder.
  await chmod(dataDir, 0o755);
  embedded = await ensureEmbeddedPostgres({
    dataDir,
    database: 'postgres',
    throwaway: true,
    settings: { fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off' },
  });
  project.provide('pgAdminUrl', embedded.adminUrl);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}

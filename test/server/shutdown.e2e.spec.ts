import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start` stopped with Ctrl-C: a terminal signals the whole foreground process group, so the
 * test starts the server in a group of its own and signals the group, as a terminal does.
 */
describe('npm start stopped with Ctrl-C', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'po-ctrlc-'));
    await chmod(dataDir, 0o755);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops cleanly: exit code 0 and no error-level line, the embedded database stopped by the server', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
    for (const name of ['DATABASE_URL', 'AUTH_JWT_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'EVENT_STORE'])
      delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('is listening on')) {
        if (Date.now() > deadline) throw new Error(`the server did not start in time:\n${output}`);
        if (child.exitCode !== null) throw new Error(`the server exited while starting:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000)),
      ]);
      expect(code).toBe(0);
      const errorLines = output
        .split('\n')
        .filter((line) => /"level":(5\d|60)/.test(line) || /^\s*(Error|error):/.test(line));
      expect(errorLines).toEqual([]);
      expect(output).toContain('SIGINT received: shutting down');
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 180_000);
});

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentWithDotEnv } from '../../src/envFile.ts';

const root = process.cwd();
const tsxLoader = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Starts `src/server.ts` in `cwd` and resolves with its exit code and everything it printed. */
function startServer(cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, join(root, 'src', 'server.ts')], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server neither started nor stopped in time:\n${output}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('.env', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'po-dotenv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is read at start, the real environment winning, and its bad values are listed with the others', async () => {
    await writeFile(
      join(dir, '.env'),
      ['# a comment', 'PORT=not-a-port', 'EVENT_STORE=nonsense', 'LOG_LEVEL="loud"', ''].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      EVENT_STORE: 'postgres',
      DATA_DIR: join(dir, '.data'),
    };
    const { code, output } = await startServer(dir, env);
    expect(code).toBe(1);
    expect(output).toContain('Cannot start: the configuration has');
    expect(output).toMatch(/PORT: /);
    expect(output).toMatch(/LOG_LEVEL: /);
    // EVENT_STORE=nonsense in .env is overridden by the real environment's postgres.
    expect(output).not.toMatch(/EVENT_STORE: /);
  });

  it('is optional, and an empty real value counts as unset', () => {
    expect(environmentWithDotEnv({ A: '1' }, join(dir, 'missing.env'))).toEqual({ A: '1' });
  });

  it('fills what the environment leaves unset or empty', async () => {
    const file = join(dir, 'fill.env');
    await writeFile(file, 'PORT=4100\nHOST=127.0.0.2\nPROJECTOR=off\n');
    expect(environmentWithDotEnv({ HOST: '127.0.0.1', PROJECTOR: '' }, file)).toMatchObject({
      PORT: '4100',
      HOST: '127.0.0.1',
      PROJECTOR: 'off',
    });
  });
});

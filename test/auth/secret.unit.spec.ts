import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_SECRET_FILE, resolveTokenKey } from '../../src/auth/secret.ts';

const auth = (overrides: { jwtSecret?: string; jwksUrl?: string } = {}) => ({
  jwtSecret: undefined,
  jwksUrl: undefined,
  audience: 'authenticated',
  issuer: undefined,
  ...overrides,
});

describe('the token key', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'po-auth-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('uses AUTH_JWT_SECRET when set and writes nothing', async () => {
    const dataDir = await tempDir();
    const secret = 'x'.repeat(40);
    expect(await resolveTokenKey({ auth: auth({ jwtSecret: secret }), dataDir })).toEqual({
      key: { kind: 'secret', secret },
      generated: false,
    });
    await expect(stat(join(dataDir, DEV_SECRET_FILE))).rejects.toThrow();
  });

  it('uses the JWKS when set', async () => {
    const url = 'https://auth.example/jwks.json';
    expect(await resolveTokenKey({ auth: auth({ jwksUrl: url }), dataDir: await tempDir() })).toEqual({
      key: { kind: 'jwks', url },
      generated: false,
    });
  });

  it('generates a dev secret once, private to the user, and reuses it', async () => {
    const dataDir = join(await tempDir(), 'nested');
    const first = await resolveTokenKey({ auth: auth(), dataDir });
    const second = await resolveTokenKey({ auth: auth(), dataDir });
    expect(first.generated).toBe(true);
    expect(second.key).toEqual(first.key);
    const file = join(dataDir, DEV_SECRET_FILE);
    expect((await readFile(file, 'utf8')).length).toBeGreaterThanOrEqual(32);
    expect((await stat(file)).mode & 0o077).toBe(0);
  });

  it('gives racing callers (server and CLI) the same dev secret', async () => {
    const dataDir = await tempDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => resolveTokenKey({ auth: auth(), dataDir })));
    expect(new Set(keys.map((k) => JSON.stringify(k.key))).size).toBe(1);
  });
});

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** test/README.md's rules for names and folders, checked so that they stay true. */
const root = resolve(import.meta.dirname, '..', '..');
const testDir = join(root, 'test');
/** Folders of data read as it is (fixtures): their names are the publisher's or a dump's. */
const DATA_FOLDERS = new Set(['fixtures']);
/** Folders with no one source folder to mirror (test/README.md says what each holds). */
const OWN_FOLDERS = new Set(['browser', 'upgrade', 'support', 'config', 'server']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) return [path];
    return DATA_FOLDERS.has(name) ? [] : filesUnder(path);
  });
}
const files = filesUnder(testDir).map((path) => relative(testDir, path));

describe('the test tree', () => {
  it('names every file in kebab-case, a spec with its kind (unit, int, e2e, perf)', () => {
    const misnamed = files.filter(
      (file) =>
        file !== 'README.md' &&
        !/^([a-z0-9]+(-[a-z0-9]+)*\/)*[a-z0-9]+(-[a-z0-9]+)*(\.(unit|int|e2e|perf)\.spec)?\.ts$/.test(file),
    );
    expect(misnamed).toEqual([]);
  });

  it('mirrors src/ (and web/src/ under test/web/): each folder of tests has its source folder', () => {
    const folders = new Set(files.filter((file) => file.includes('/')).map((file) => file.replace(/\/[^/]+$/, '')));
    const orphans = [...folders].filter((folder) => {
      const [top, ...rest] = folder.split('/');
      if (OWN_FOLDERS.has(top!)) return false;
      const source = top === 'web' ? join(root, 'web', 'src', ...rest) : join(root, 'src', folder);
      return !existsSync(source);
    });
    expect(orphans).toEqual([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

/** Every TypeScript source under src/, with the src/ files each imports (relative imports, type-only ones too). */
function importsUnderSrc(): { readonly file: string; readonly imports: readonly string[] }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      // Generated, type-only, and not committed: what it imports is the schema's mapping, checked by typecheck.
      if (entry.isDirectory() && entry.name !== 'generated') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.ts')) files.push(path);
    }
  };
  walk(join(root, 'src'));
  return files.map((path) => {
    const text = readFileSync(path, 'utf8');
    const imports = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) =>
      relative(root, resolve(dirname(path), match[1]!)),
    );
    return { file: relative(root, path), imports };
  });
}

const under = (path: string, ...folders: string[]) =>
  folders.some((folder) => path === folder || path.startsWith(`${folder}/`));

/** `from` may not import `to`: the imports that do. */
function violations(from: (file: string) => boolean, to: (imported: string) => boolean): string[] {
  return importsUnderSrc().flatMap(({ file, imports }) =>
    from(file) ? imports.filter(to).map((imported) => `${file} → ${imported}`) : [],
  );
}

describe('the layers of src/', () => {
  it('lets only the composition (app, server, CLI) import the HTTP transports', () => {
    expect(
      violations(
        (file) => !under(file, 'src/http', 'src/app', 'src/server.ts', 'src/cli'),
        (imported) => under(imported, 'src/http'),
      ),
    ).toEqual([]);
  });

  it('lets nothing below the composition import it (metrics and rate limits live lower)', () => {
    expect(
      violations(
        (file) => !under(file, 'src/app', 'src/server.ts', 'src/cli'),
        (imported) => under(imported, 'src/app'),
      ),
    ).toEqual([]);
  });

  it('keeps the order application below both transports', () => {
    expect(
      violations(
        (file) =>
          under(
            file,
            'src/application',
            'src/payments',
            'src/webhooks',
            'src/projections',
            'src/commands',
            'src/domain',
          ),
        (imported) => under(imported, 'src/http', 'src/app'),
      ),
    ).toEqual([]);
  });

  it('keeps src/shared below every layer: it imports nothing else from src/', () => {
    expect(
      violations(
        (file) => under(file, 'src/shared'),
        (imported) => !under(imported, 'src/shared'),
      ),
    ).toEqual([]);
  });

  it('keeps REST and GraphQL apart: neither imports the other', () => {
    expect(
      violations(
        (file) => under(file, 'src/http/graphql'),
        (imported) => under(imported, 'src/http/routes'),
      ),
    ).toEqual([]);
    expect(
      violations(
        (file) => under(file, 'src/http/routes'),
        (imported) => under(imported, 'src/http/graphql'),
      ),
    ).toEqual([]);
  });
});

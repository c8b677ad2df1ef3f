import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');
const generated = join(root, 'src', 'http', 'graphql', 'generated', 'resolvers.ts');
const probes = mkdtempSync(join(tmpdir(), 'resolver-types-'));
afterAll(() => rmSync(probes, { recursive: true, force: true }));

const PROBES = {
  fits: `export const ok = { Query: { routeStops: () => [] } } satisfies Pick<Resolvers, 'Query'>;`,
  wrongAnswer: `export const wrongAnswer = { Garment: { price: () => 'free' } } satisfies Pick<Resolvers, 'Garment'>;`,
  unknownField: `export const unknownField = { Query: { orderz: () => null } } satisfies Pick<Resolvers, 'Query'>;`,
} as const;

let checked: Record<keyof typeof PROBES, string[]> | undefined;
/**
 * The type errors of each probe, a resolver map written against the types generated from
 * schema.graphql, as `npm run typecheck` sees them (one program for all: the checker is slow to start).
 */
function typeErrors(probe: keyof typeof PROBES): string[] {
  if (!checked) {
    const files = Object.fromEntries(
      Object.entries(PROBES).map(([name, source]) => {
        const file = join(probes, `${name}.ts`);
        writeFileSync(file, `import type { Resolvers } from ${JSON.stringify(generated)};\n${source}\n`);
        return [name, file];
      }),
    );
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    );
    const program = ts.createProgram(Object.values(files), { ...config!.options, noEmit: true });
    checked = Object.fromEntries(
      Object.entries(files).map(([name, file]) => [
        name,
        program
          .getSemanticDiagnostics(program.getSourceFile(file))
          .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
      ]),
    ) as Record<keyof typeof PROBES, string[]>;
  }
  return checked[probe];
}

describe('resolver types generated from schema.graphql', () => {
  it('accepts a resolver that answers what the schema declares', () => {
    expect(typeErrors('fits')).toEqual([]);
  }, 120_000);

  it('fails typecheck for a resolver whose answer or name does not fit the schema', () => {
    expect(typeErrors('wrongAnswer').join('\n')).toMatch(/not assignable/);
    expect(typeErrors('unknownField').join('\n')).toMatch(/orderz/);
  }, 120_000);

  it('is type-only, so the server and the tests run without it', () => {
    const source = ts.createSourceFile(generated, ts.sys.readFile(generated) ?? '', ts.ScriptTarget.Latest);
    const runtime = source.statements.filter(
      (statement) =>
        !(ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) &&
        !(ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) &&
        !(ts.isExportDeclaration(statement) && statement.isTypeOnly),
    );
    expect(runtime.map((statement) => statement.getText(source).slice(0, 80))).toEqual([]);
  });
});

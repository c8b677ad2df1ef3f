// Builds the pages (web/): `node scripts/web.mjs codegen` writes the typed GraphQL documents
// (web/src/gql/, generated, not committed) from the server's schema; `build` runs codegen and the
// Vite build into web/dist/; `build --if-missing` builds only when web/dist has no index.html
// (`npm start` in a fresh worktree). Run by postinstall, `npm start` and `npm run typecheck`.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The path of a package's command-line script, as npm would link it into node_modules/.bin. */
function binOf(packageName, binName) {
  const manifestPath = require.resolve(`${packageName}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const relative = typeof bin === 'string' ? bin : bin[binName];
  return join(dirname(manifestPath), relative);
}

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const codegen = () => run(binOf('@graphql-codegen/cli', 'graphql-codegen'), ['--config', 'web/codegen.ts', '--silent']);
const build = () => {
  codegen();
  run(binOf('vite', 'vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
};

const [command, flag] = process.argv.slice(2);
if (command === 'codegen') codegen();
else if (command === 'build') {
  if (flag === '--if-missing' && existsSync(join(root, 'web', 'dist', 'index.html'))) process.exit(0);
  build();
} else {
  console.error('usage: node scripts/web.mjs codegen | build [--if-missing]');
  process.exit(2);
}

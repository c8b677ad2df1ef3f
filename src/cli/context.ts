import type pg from 'pg';
import type { AuthSetup } from '../app/auth.ts';
import { setUpAuth } from '../app/auth.ts';
import { Closables } from '../app/closables.ts';
import { openDatabase } from '../app/database.ts';
import { openEventStore } from '../app/eventStore.ts';
import type { EventStore } from '../eventstore/eventStore.ts';
import type { Config } from '../config.ts';
import { migrate } from '../db/migrate.ts';

/** Where a command writes: results to `out` (stdout, pipeable), progress and notes to `err`. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A command's failure that is the user's (bad arguments, bad file): printed without a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** 2 for usage mistakes, 1 for everything else. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * The resources one command needs, opened lazily with the server's configuration: the same
 * database (the running server's embedded PostgreSQL, or one started for this command and
 * stopped after it), migrated, so the CLI works before the server ever ran.
 */
export class CliContext {
  readonly #closables = new Closables();
  #pool: Promise<pg.Pool> | undefined;
  #eventStore: Promise<EventStore> | undefined;
  #databaseUrl: string | undefined;

  constructor(
    readonly config: Config,
    readonly io: CliIo,
  ) {}

  pool(): Promise<pg.Pool> {
    this.#pool ??= (async () => {
      const database = await openDatabase(this.config, this.#closables, { maxConnections: 4 });
      this.#databaseUrl = database.url;
      await migrate(database.pool);
      return database.pool;
    })();
    return this.#pool;
  }

  eventStore(): Promise<EventStore> {
    this.#eventStore ??= (async () => {
      await this.pool();
      return openEventStore(this.config, this.#databaseUrl ?? '', this.#closables);
    })();
    return this.#eventStore;
  }

  async auth(): Promise<AuthSetup> {
    return setUpAuth(this.config, await this.pool(), { hearChanges: false });
  }

  close(): Promise<void> {
    return this.#closables.close((name, error) => this.io.err(`closing ${name} failed: ${String(error)}`));
  }
}

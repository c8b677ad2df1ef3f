import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AppError, type FieldProblem } from '../../domain/errors.ts';
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  GlobalPosition,
  NewEvent,
  ReadStreamResult,
  RecordedEvent,
  SubscribeOptions,
} from '../eventStore.ts';
import { AppendBatcher } from './appendBatcher.ts';
import { registerBulkReader } from './bulkRead.ts';
import { readAllPage, readHeadPosition } from './reads.ts';
import { applyEventStoreSchema } from './schema.ts';
import { StreamReader } from './streamReader.ts';
import { ORIGIN, subscribeToAll } from './subscription.ts';
import { encodeExpectedVersion, validateAppend } from './validate.ts';
import { Listener, Notifier, Wakeups } from './wakeups.ts';

export interface PostgresEventStoreTuning {
  /**
   * Append batches in flight at once (each on its own connection). Default 2: one forms and runs
   * while the other waits for its WAL flush; more only split the same flushes into smaller batches.
   */
  readonly writers?: number;
  /** Events per append batch at most. Default 2000. */
  readonly maxBatchEvents?: number;
  /** Coalesced stream reads in flight at once. Default 4. */
  readonly readers?: number;
  /** Fallback poll of live subscriptions when no wake-up arrives, in ms. Default 1000. */
  readonly pollIntervalMs?: number;
}

/**
 * Where the store keeps its tables: a connection string (the store opens and closes its own pool
 * of `maxConnections`, default 12) or a pool owned by the caller (left open on close; one more
 * connection is opened beside it for LISTEN while subscriptions run).
 */
export type PostgresEventStoreOptions = PostgresEventStoreTuning &
  (
    | {
        readonly connectionString: string;
        readonly maxConnections?: number;
        /** More client settings for the pool (timeouts); not for the LISTEN and bulk-read connections, which bound themselves. */
        readonly poolConfig?: pg.PoolConfig;
      }
    | { readonly pool: pg.Pool }
  );

const MAX_PAGE = 10_000;

/**
 * The PostgreSQL event store: applies its schema (idempotent), then serves the `EventStore` port
 * with group-committed appends, coalesced stream reads and `$all` in commit order.
 */
export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  const ownsPool = 'connectionString' in options;
  const pool = ownsPool
    ? new pg.Pool({
        ...options.poolConfig,
        connectionString: options.connectionString,
        max: options.maxConnections ?? 12,
      })
    : options.pool;
  // An idle connection that dies (server restart, shutdown) is dropped by the pool; the next query
  // reconnects and any query in flight fails on its own. Unhandled, the event would end the process.
  if (ownsPool) pool.on('error', () => undefined);
  try {
    await applyEventStoreSchema(pool);
    await refuseCounterBehind(pool);
  } catch (error) {
    if (ownsPool) await pool.end();
    throw error;
  }

  const instanceId = randomUUID();
  const wakeups = new Wakeups();
  const notifier = new Notifier(pool, instanceId);
  const listener = new Listener(
    ownsPool ? { connectionString: options.connectionString } : pool.options,
    instanceId,
    wakeups,
  );
  const closing = new AbortController();
  const onCommitted = (position: GlobalPosition): void => {
    wakeups.notice(position);
    notifier.announce(position);
  };
  const batcher = new AppendBatcher(pool, {
    writers: options.writers ?? 2,
    maxBatchEvents: options.maxBatchEvents ?? 2000,
    onCommitted,
  });
  const streams = new StreamReader(pool, options.readers ?? 4);
  const pollIntervalMs = options.pollIntervalMs ?? 1000;

  const ensureOpen = (): void => {
    if (closing.signal.aborted) throw new Error('The PostgreSQL event store is closed');
  };

  const store: EventStore = {
    kind: 'postgres',

    async appendToStream(
      streamId: string,
      events: readonly NewEvent[],
      appendOptions?: { readonly expectedVersion?: ExpectedVersion },
    ): Promise<AppendResult> {
      ensureOpen();
      const expectedVersion = appendOptions?.expectedVersion ?? 'any';
      validateAppend(streamId, events, expectedVersion);
      let eventsJson: string;
      try {
        eventsJson = JSON.stringify(events.map((e) => ({ i: e.id, t: e.type, d: e.data, m: e.metadata ?? {} })));
      } catch (error) {
        throw new AppError('BAD_USER_INPUT', `Events of stream ${streamId} are not JSON: ${(error as Error).message}`, {
          streamId,
        });
      }
      return await batcher.submit({
        streamId,
        expectedVersion,
        encodedExpected: encodeExpectedVersion(expectedVersion),
        eventsJson,
        eventCount: events.length,
      });
    },

    async readStream(
      streamId: string,
      readOptions?: { readonly fromVersion?: number; readonly maxCount?: number },
    ): Promise<ReadStreamResult> {
      ensureOpen();
      const problems: FieldProblem[] = [];
      if (typeof streamId !== 'string' || streamId.length === 0)
        problems.push({ path: 'streamId', message: 'must be a non-empty string' });
      const fromVersion = readOptions?.fromVersion ?? 1;
      if (!Number.isSafeInteger(fromVersion) || fromVersion < 0)
        problems.push({ path: 'fromVersion', message: 'must be a whole number >= 0' });
      const maxCount = readOptions?.maxCount;
      if (maxCount !== undefined && (!Number.isSafeInteger(maxCount) || maxCount < 0))
        problems.push({ path: 'maxCount', message: 'must be a whole number >= 0' });
      rejectProblems('readStream', problems);
      return await streams.read(streamId, fromVersion, maxCount ?? null);
    },

    async readAll(readOptions): Promise<readonly RecordedEvent[]> {
      ensureOpen();
      checkAllOptions('readAll', readOptions.maxCount, readOptions.after, readOptions.streamPrefixes);
      return (await readAllPage(pool, readOptions.after ?? ORIGIN, readOptions.maxCount, readOptions.streamPrefixes))
        .events;
    },

    subscribeToAll(subscribeOptions: SubscribeOptions = {}): AsyncIterable<readonly RecordedEvent[]> {
      ensureOpen();
      const maxBatchSize = subscribeOptions.maxBatchSize ?? 500;
      checkAllOptions('subscribeToAll', maxBatchSize, subscribeOptions.after, subscribeOptions.streamPrefixes);
      return subscribeToAll(
        { pool, wakeups, listener, pollIntervalMs, closed: closing.signal },
        { ...subscribeOptions, maxBatchSize },
      );
    },

    headPosition: () => readHeadPosition(pool),

    async close(): Promise<void> {
      if (closing.signal.aborted) return;
      closing.abort();
      await batcher.drained();
      await notifier.settled();
      await listener.close();
      if (ownsPool) await pool.end();
    },
  };
  registerBulkReader(store, ownsPool ? { connectionString: options.connectionString } : pool.options);
  return store;
}

/**
 * Positions are transaction ids, and a logical restore (pg_dump/pg_restore) does not carry the
 * cluster's transaction counter: new appends would then get ids below the restored events' and
 * sort before them, and every subscriber's checkpoint would silently skip them. So a store whose
 * newest event is at or past the counter refuses to open, saying so (a physical backup or replica
 * keeps the counter and never meets this).
 */
async function refuseCounterBehind(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ newest: string | null; next: string }>(
    `select (select e.transaction_id::text from es_events e order by e.transaction_id desc, e.global_position desc limit 1) as newest,
            pg_snapshot_xmax(pg_current_snapshot())::text as next`,
  );
  const row = rows[0];
  if (!row?.newest || BigInt(row.next) > BigInt(row.newest)) return;
  throw new Error(
    `The event store's newest event was written in transaction ${row.newest}, but this PostgreSQL cluster's transaction counter stands at ${row.next}: ` +
      'the database was restored logically (pg_dump/pg_restore), which does not carry the transaction counter. New events would sort before the ' +
      'restored ones and every subscriber (the projector, the refund reactor) would skip them, so the store refuses to open. Restore from a physical ' +
      'backup (pg_basebackup, a replica) instead, or see "Logical restore" in src/eventstore/postgres/README.md.',
  );
}

function checkAllOptions(
  operation: string,
  maxCount: unknown,
  after: GlobalPosition | undefined,
  prefixes: readonly string[] | undefined,
): void {
  const problems: FieldProblem[] = [];
  if (!Number.isSafeInteger(maxCount) || (maxCount as number) < 1 || (maxCount as number) > MAX_PAGE) {
    problems.push({ path: 'maxCount', message: `must be a whole number from 1 to ${MAX_PAGE}` });
  }
  if (
    after !== undefined &&
    !(
      typeof after.commit === 'bigint' &&
      typeof after.prepare === 'bigint' &&
      after.commit >= 0n &&
      after.prepare >= 0n
    )
  ) {
    problems.push({ path: 'after', message: 'must be a position of two non-negative bigints' });
  }
  if (prefixes !== undefined && !(Array.isArray(prefixes) && prefixes.every((p) => typeof p === 'string'))) {
    problems.push({ path: 'streamPrefixes', message: 'must be a list of strings' });
  }
  rejectProblems(operation, problems);
}

function rejectProblems(operation: string, problems: readonly FieldProblem[]): void {
  if (problems.length > 0) {
    throw new AppError(
      'BAD_USER_INPUT',
      `Invalid ${operation}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      { fields: problems },
    );
  }
}

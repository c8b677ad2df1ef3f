import type pg from 'pg';

/** A pooled client checked out for a stretch of work, and how to give it back. */
export interface CheckedOut {
  readonly client: pg.PoolClient;
  /** Back to the pool; destroyed instead when its connection failed or `discard` says so. */
  readonly release: (discard?: Error) => void;
}

/**
 * `pool.connect()` for work that may outlive its connection. While a client is checked out
 * pg-pool stops listening for its 'error' event, and pg emits one when the connection ends under
 * it (a server restart, a terminated backend) even after the failing query was rejected: unheard,
 * that event ends the process. Here it is kept, and a client that had one is destroyed on release.
 */
export async function checkOut(pool: pg.Pool): Promise<CheckedOut> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken ??= error;
  };
  client.on('error', onError);
  return {
    client,
    release: (discard) => {
      // pg-pool's own test for a client it will not reuse: after a FATAL from the server (a
      // terminated backend) the query failed while the connection's end, and its 'error', are
      // still on their way. Such a client is destroyed, not pooled; it keeps this listener too
      // (harmless: it is never checked out again).
      const state = client as unknown as { _queryable?: boolean; _ending?: boolean };
      const failed =
        broken ??
        discard ??
        (state._queryable === false || state._ending ? new Error('connection no longer usable') : undefined);
      if (!failed) client.off('error', onError);
      client.release(failed);
    },
  };
}

/**
 * Runs `work` in one transaction on one pooled client: commit on success, rollback on any error
 * (rethrown), and the client always goes back to the pool (or is destroyed if its connection
 * failed or the rollback did: it may still be inside the transaction).
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkOut(pool);
  let doubtful: Error | undefined;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackError: unknown) => {
      doubtful = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    release(doubtful);
  }
}

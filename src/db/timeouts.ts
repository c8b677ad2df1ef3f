import type pg from 'pg';
import type { DatabaseTimeouts } from '../config.ts';

/**
 * Client settings for a pool that serves requests, so nothing a request does waits without a
 * bound: the pool's connect (a new connection, or a free one from a full pool), the server's
 * statement_timeout, the client's query_timeout (a frozen or half-open server never answers, and
 * the server's own timeout cannot fire there), and idle_in_transaction_session_timeout (a
 * transaction whose client went silent holds its locks no longer than this).
 */
export function requestPoolConfig(timeouts: DatabaseTimeouts): pg.PoolConfig {
  return {
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    statement_timeout: timeouts.statementTimeoutMs,
    query_timeout: timeouts.queryTimeoutMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
  };
}

/**
 * A pool's client settings without the request timeouts, for connections that do long work on
 * purpose and bound it themselves (a rebuild's COPY and index builds, leadership sessions with
 * their heartbeats); the connect timeout stays.
 */
export function withoutRequestTimeouts(config: pg.ClientConfig): pg.ClientConfig {
  const {
    statement_timeout: _statement,
    query_timeout: _query,
    idle_in_transaction_session_timeout: _idle,
    ...rest
  } = config;
  return rest;
}

import type pg from 'pg';
import { PROJECTED_TABLES, qualified, quoteIdent } from '../orders/columns.ts';
import { indexBuilds, type IndexBuild } from './tableClone.ts';

/**
 * Indexes and statistics for freshly loaded tables, spread over several connections: the
 * timeline's key (the one big sort) on one while the others build the orders' and line items'
 * indexes, then key constraints are attached (catalog only) and the tables analyzed, also side
 * by side. Each statement commits on its own, so none holds the event store's read horizon long.
 */
export async function buildIndexes(connections: readonly pg.ClientBase[], schema: string): Promise<void> {
  const [first] = connections;
  if (!first) throw new Error('buildIndexes needs a connection');
  // Largest table first: its builds start at once and the small ones fill the other connections.
  const tables = [...PROJECTED_TABLES].reverse();
  const builds: IndexBuild[] = [];
  for (const table of tables) builds.push(...(await indexBuilds(first, schema, table.name)));
  const analyses = tables.map((table) =>
    table.statistics === 'all' ? `analyze ${qualified(schema, table.name)}` : `analyze ${qualified(schema, table.name)} (${table.statistics.map(quoteIdent).join(', ')})`,
  );
  await drain(connections, builds.map((build) => build.build));
  for (const build of builds) if (build.attach) await first.query(build.attach);
  await drain(connections, analyses);
}

/** Runs the statements in order, each on whichever connection is free first. */
async function drain(connections: readonly pg.ClientBase[], statements: readonly string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    connections.map(async (connection) => {
      while (next < statements.length) await connection.query(statements[next++]!);
    }),
  );
}

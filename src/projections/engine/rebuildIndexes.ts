/**
 * Part of the rebuild's bulk load, see docs/adr/0007-rebuild-bulk-load.md: indexes built after
 * the load, side by side and without parallel workers, keys attached afterwards, instead of
 * indexes maintained row by row while loading.
 */
import type pg from 'pg';
import { qualified, quoteIdent, type ReadTable } from './table.ts';
import { indexBuilds, type IndexBuild } from './tableClone.ts';

/**
 * Indexes and statistics for freshly loaded tables, spread over several connections: builds
 * largest table first, so its sort starts at once and the small ones fill the other
 * connections; then key constraints are attached (catalog only) and the tables analyzed, also
 * side by side. Each statement commits on its own, so none holds the event store's read horizon
 * long. `tables`, as the projections list them (the streamed ones are indexed while the
 * final-state ones are still being written).
 */
export async function buildIndexes(
  connections: readonly pg.ClientBase[],
  schema: string,
  tables: readonly ReadTable[],
): Promise<void> {
  const [first] = connections;
  if (!first) throw new Error('buildIndexes needs a connection');
  const chosen = [...tables].reverse();
  const builds: IndexBuild[] = [];
  for (const table of chosen) builds.push(...(await indexBuilds(first, schema, table.name)));
  const analyses = chosen.map((table) =>
    table.statistics === 'all'
      ? `analyze ${qualified(schema, table.name)}`
      : `analyze ${qualified(schema, table.name)} (${table.statistics.map(quoteIdent).join(', ')})`,
  );
  await drain(
    connections,
    builds.map((build) => build.build),
  );
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

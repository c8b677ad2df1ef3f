import type pg from 'pg';
import { progress } from '../support/output.ts';

/**
 * BENCH_GRAPHQL_STATEMENTS=on: PostgreSQL records every statement (pg_stat_statements) and the
 * busiest are printed to stderr after each phase, to see which queries a phase's time went to.
 */
export const statementsWanted = process.env.BENCH_GRAPHQL_STATEMENTS === 'on';

export const STATEMENT_SETTINGS: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
  'pg_stat_statements.track_planning': 'on',
};

export async function resetStatements(pool: Pick<pg.Pool, 'query'>): Promise<void> {
  if (!statementsWanted) return;
  await pool.query('create extension if not exists pg_stat_statements');
  await pool.query('select pg_stat_statements_reset()');
}

export async function printStatements(pool: Pick<pg.Pool, 'query'>, phase: string): Promise<void> {
  if (!statementsWanted) return;
  const { rows } = await pool.query<{
    calls: string;
    total_ms: string;
    mean_ms: string;
    plan_ms: string;
    query: string;
  }>(
    `select calls, round(total_exec_time::numeric, 0) as total_ms, round(mean_exec_time::numeric, 3) as mean_ms, round(mean_plan_time::numeric, 3) as plan_ms,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 100) as query
     from pg_stat_statements order by total_exec_time desc limit 12`,
  );
  progress(`${phase}: busiest statements (calls, total execution ms, mean execution ms, mean planning ms, statement)`);
  for (const row of rows)
    progress(
      `  ${row.calls.padStart(7)} ${row.total_ms.padStart(7)} ${row.mean_ms.padStart(8)} ${row.plan_ms.padStart(8)}  ${row.query}`,
    );
  await pool.query('select pg_stat_statements_reset()');
}

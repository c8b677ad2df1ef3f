import type pg from 'pg';
import { comparePositions, type GlobalPosition } from '../../eventstore/eventStore.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** The live projector found the checkpoint elsewhere than it left it (another leader, or a rebuild switched tables). */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';
  constructor(readonly stored: GlobalPosition | undefined) {
    super('The projection checkpoint moved under this projector');
  }
}

interface CheckpointRow {
  commit: string | null;
  prepare: string | null;
  updated_at: Date;
}

const toPosition = (row: CheckpointRow | undefined): GlobalPosition | undefined =>
  row?.commit == null || row.prepare == null ? undefined : { commit: BigInt(row.commit), prepare: BigInt(row.prepare) };

export const samePosition = (a: GlobalPosition | undefined, b: GlobalPosition | undefined): boolean =>
  a === undefined || b === undefined ? a === b : comparePositions(a, b) === 0;

export async function readCheckpoint(
  db: Queryable,
  name: string,
): Promise<{ position: GlobalPosition | undefined; updatedAt: Date | null }> {
  const { rows } = await db.query<CheckpointRow>(
    'select position_commit::text as commit, position_prepare::text as prepare, updated_at from projection_checkpoints where name = $1',
    [name],
  );
  return { position: toPosition(rows[0]), updatedAt: rows[0]?.updated_at ?? null };
}

/**
 * Inside a transaction: locks the checkpoint row and checks it is where this writer left it.
 * Every writer of the projection (the live projector, a rebuild's switch) takes this lock first,
 * so they take turns, and a writer that lost its place (CheckpointMovedError) writes nothing.
 */
export async function lockCheckpoint(
  db: Queryable,
  name: string,
  expected: GlobalPosition | undefined | 'any',
): Promise<GlobalPosition | undefined> {
  await db.query('insert into projection_checkpoints (name) values ($1) on conflict (name) do nothing', [name]);
  const { rows } = await db.query<CheckpointRow>(
    'select position_commit::text as commit, position_prepare::text as prepare, updated_at from projection_checkpoints where name = $1 for update',
    [name],
  );
  const stored = toPosition(rows[0]);
  if (expected !== 'any' && !samePosition(stored, expected)) throw new CheckpointMovedError(stored);
  return stored;
}

export async function saveCheckpoint(db: Queryable, name: string, position: GlobalPosition): Promise<void> {
  await db.query(
    'update projection_checkpoints set position_commit = $2, position_prepare = $3, updated_at = now() where name = $1',
    [name, position.commit.toString(), position.prepare.toString()],
  );
}

/**
 * Where the read model as a whole stands: the lowest checkpoint of these projections (every live
 * batch moves them all, so they differ only while one added later catches up); undefined while
 * any has none.
 */
export async function readLowestCheckpoint(
  db: Queryable,
  names: readonly string[],
): Promise<GlobalPosition | undefined> {
  const { rows } = await db.query<CheckpointRow & { name: string }>(
    'select name, position_commit::text as commit, position_prepare::text as prepare, updated_at from projection_checkpoints where name = any($1::text[])',
    [names],
  );
  let lowest: GlobalPosition | undefined;
  for (const name of names) {
    const position = toPosition(rows.find((row) => row.name === name));
    if (!position) return undefined;
    if (!lowest || comparePositions(position, lowest) < 0) lowest = position;
  }
  return lowest;
}

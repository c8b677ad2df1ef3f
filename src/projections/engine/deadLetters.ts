import type pg from 'pg';
import type { GlobalPosition, RecordedEvent } from '../../eventstore/eventStore.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** An event the projection could not apply, with why. */
export interface DeadLetter {
  readonly event: RecordedEvent;
  readonly error: string;
}

/** A dead letter of one projection (the key of its row: projection and event). */
export interface ProjectionDeadLetter extends DeadLetter {
  readonly projection: string;
}

export interface DeadLetterRow {
  readonly projection: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventType: string;
  readonly position: GlobalPosition;
  readonly error: string;
  readonly failedAt: Date;
}

export async function listDeadLetters(
  db: Queryable,
  projection: string,
  limit = 50,
): Promise<{ total: number; items: DeadLetterRow[] }> {
  const [count, list] = await Promise.all([
    db.query<{ total: string }>('select count(*) as total from projection_dead_letters where projection = $1', [
      projection,
    ]),
    db.query<{
      event_id: string;
      stream_id: string;
      stream_version: string;
      event_type: string;
      commit: string;
      prepare: string;
      error: string;
      failed_at: Date;
    }>(
      `select event_id, stream_id, stream_version, event_type, position_commit::text as commit, position_prepare::text as prepare, error, failed_at
       from projection_dead_letters where projection = $1 order by position_commit, position_prepare limit $2`,
      [projection, limit],
    ),
  ]);
  return {
    total: Number(count.rows[0]?.total ?? 0),
    items: list.rows.map((row) => ({
      projection,
      eventId: row.event_id,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      eventType: row.event_type,
      position: { commit: BigInt(row.commit), prepare: BigInt(row.prepare) },
      error: row.error,
      failedAt: row.failed_at,
    })),
  };
}

/** A successful (strict) rebuild applied these events after all: their dead letters are resolved. */
export async function clearDeadLettersUpTo(
  db: Queryable,
  projection: string,
  position: GlobalPosition,
): Promise<number> {
  const { rowCount } = await db.query(
    'delete from projection_dead_letters where projection = $1 and (position_commit, position_prepare) <= ($2::bigint, $3::bigint)',
    [projection, position.commit.toString(), position.prepare.toString()],
  );
  return rowCount ?? 0;
}

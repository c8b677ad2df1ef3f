import type pg from 'pg';

/**
 * The one-statement path for a batch of one append to an existing stream (the common case at low
 * concurrency, where latency matters most): about half the server time of `es_append_batch`.
 * The UPDATE locks the stream row and rechecks the expected version against the newest committed
 * one, so it is as safe as the full path. It answers only "written"; everything else (new stream,
 * version mismatch, a stored event id) goes to `es_append_batch`, which tells conflict from retry.
 */
const FAST_APPEND_SQL = `
with stream as (
  update es_streams set version = version + $4
  where stream_id = $1 and ($2::bigint = -1 or ($2 = -3 and version > 0) or version = $2)
  returning version - $4 as base
),
inserted as (
  insert into es_events (stream_id, stream_version, event_id, event_type, data, metadata)
  select $1, stream.base + j.ordinality, (j.value ->> 'i')::uuid, j.value ->> 't', j.value -> 'd', coalesce(j.value -> 'm', '{}'::jsonb)
  from stream cross join lateral jsonb_array_elements($3::jsonb) with ordinality as j
  order by j.ordinality
  returning stream_version, global_position
)
select max(stream_version)::text as version, pg_current_xact_id()::text as commit, max(global_position)::text as position
from inserted having count(*) > 0`;

export interface FastAppended {
  readonly version: string;
  readonly commit: string;
  readonly position: string;
}

/** Undefined: not written here, let `es_append_batch` decide (a no_stream append always goes there). */
export async function tryFastAppend(
  pool: pg.Pool,
  append: { readonly streamId: string; readonly encodedExpected: number; readonly eventsJson: string; readonly eventCount: number },
): Promise<FastAppended | undefined> {
  if (append.encodedExpected === -2) return undefined;
  try {
    const { rows } = await pool.query<FastAppended>({
      name: 'es_fast_append',
      text: FAST_APPEND_SQL,
      values: [append.streamId, append.encodedExpected, append.eventsJson, append.eventCount],
    });
    return rows[0];
  } catch (error) {
    // A stored event id: probably a retry, which only the full path can answer as the first time.
    if ((error as { code?: string }).code === '23505') return undefined;
    throw error;
  }
}

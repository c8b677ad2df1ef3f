import type pg from 'pg';
import type { GlobalPosition, JsonObject, RecordedEvent } from '../eventStore.ts';

/** The columns every event read selects, in the shape `toRecordedEvent` expects. */
export const EVENT_COLUMNS = `e.event_id::text as id, e.event_type as type, e.data, e.metadata, e.stream_id,
  e.stream_version::text as stream_version, e.transaction_id::text as commit, e.global_position::text as prepare, e.recorded_at`;

export interface EventRow {
  id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  stream_id: string;
  stream_version: string;
  commit: string;
  prepare: string;
  recorded_at: Date;
}

export const toRecordedEvent = (row: EventRow): RecordedEvent => ({
  id: row.id,
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  position: { commit: BigInt(row.commit), prepare: BigInt(row.prepare) },
  recordedAt: row.recorded_at,
});

/**
 * One page of `$all` in commit order, strictly after the cursor. Only rows of transactions older
 * than the oldest one still running are taken (Emmett's rule): such a transaction may still commit
 * rows that sort before anything newer, so readers wait for it instead of passing it. The cursor
 * is the pair (transaction_id, global_position), never the position alone: positions are drawn
 * after xids, so the two orders disagree and a position-only cursor would skip or repeat.
 *
 * The `reached` row (only when the page is not full) is the newest readable row, matching the
 * prefixes or not, seen in the same snapshot: a filtered reader may move its cursor there without
 * rescanning events it will never want.
 */
const PAGE_SQL = `
with horizon as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as xmin),
page as materialized (
  select e.* from es_events e
  where (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
    and e.transaction_id < (select xmin from horizon)
    and ($4::text[] is null or exists (select 1 from unnest($4::text[]) as p(prefix) where starts_with(e.stream_id, p.prefix)))
  order by e.transaction_id, e.global_position
  limit $3
),
reached as (
  select e.transaction_id, e.global_position from es_events e
  where e.transaction_id < (select xmin from horizon)
    and (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
    and (select count(*) from page) < $3
  order by e.transaction_id desc, e.global_position desc
  limit 1
)
select ${EVENT_COLUMNS}, false as reached, e.transaction_id as tx, e.global_position as gp from page e
union all
select null, null, null, null, null, null, r.transaction_id::text, r.global_position::text, null, true, r.transaction_id, r.global_position from reached r
order by tx, gp, reached`;

export interface AllPage {
  readonly events: readonly RecordedEvent[];
  /** How far the scan got: at or past the last event. Undefined when nothing new was readable. */
  readonly reached: GlobalPosition | undefined;
}

export async function readAllPage(
  pool: pg.Pool,
  after: GlobalPosition,
  maxCount: number,
  streamPrefixes: readonly string[] | undefined,
): Promise<AllPage> {
  const { rows } = await pool.query<EventRow & { reached: boolean }>({
    name: 'es_read_all',
    text: PAGE_SQL,
    values: [after.commit.toString(), after.prepare.toString(), maxCount, streamPrefixes ?? null],
  });
  const events = rows.filter((row) => !row.reached).map(toRecordedEvent);
  const last = rows.at(-1);
  return { events, reached: last ? { commit: BigInt(last.commit), prepare: BigInt(last.prepare) } : undefined };
}

const HEAD_SQL = `select transaction_id::text as commit, global_position::text as prepare from es_events
  where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  order by transaction_id desc, global_position desc limit 1`;

export async function readHeadPosition(pool: pg.Pool): Promise<GlobalPosition | undefined> {
  const { rows } = await pool.query<{ commit: string; prepare: string }>({ name: 'es_head_position', text: HEAD_SQL });
  const row = rows[0];
  return row ? { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } : undefined;
}

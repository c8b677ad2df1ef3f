-- Appends a whole group-commit batch in one transaction and one round trip, deciding each append
-- on its own: a conflict or a repeat answers for that append only and the others still commit.
-- Set-based (two statements per batch, not per append), so a batch costs little more than its rows.
--
-- p_appends: [{ "s": stream id, "e": expected version (>= 0 exact; -1 any; -2 no stream;
--               -3 stream exists), "ev": [{ "i": uuid, "t": type, "d": data, "m": metadata }] }]
-- At most one append per stream per call (the caller defers the next one to a later batch; two
-- would collide on es_events_stream_version_uk and fail the call, never write wrongly).
-- One result row per append (r_index = its place in p_appends):
--   ok        r_version = version after it, r_commit/r_position = place of its last event
--   duplicate its first id is stored and all its ids are that stream's: the first append's answer
--   conflict  r_version = the stream's actual version; nothing written
--   id_reused its first id is stored, but not as exactly these events of this stream
create or replace function es_append_batch(p_appends jsonb)
returns table (r_index int, r_outcome text, r_version bigint, r_commit xid8, r_position bigint)
language plpgsql
set plan_cache_mode = force_generic_plan
as $$
begin
  -- Lock every stream of the batch (creating the missing at version 0) in one order, "C" collation
  -- of the id, in every batch of every process: two batches never wait on each other in a cycle.
  -- `where false` updates nothing, but ON CONFLICT DO UPDATE still locks the existing row.
  insert into es_streams as s (stream_id, version)
  select d.sid, 0 from (select distinct x.value ->> 's' as sid from jsonb_array_elements(p_appends) as x) as d
  order by d.sid collate "C"
  on conflict (stream_id) do update set version = s.version where false;

  -- A new statement, so a new snapshot: every earlier append to these streams has committed and
  -- is seen here, so versions are current and a retried append is recognised by its first id.
  return query
  with a as (
    select (x.ordinality - 1)::int as idx, x.value ->> 's' as sid, (x.value ->> 'e')::bigint as expected,
      x.value -> 'ev' as events, jsonb_array_length(x.value -> 'ev')::bigint as n
    from jsonb_array_elements(p_appends) with ordinality as x
  ),
  -- The `limit 1` laterals keep these as index lookups per append: a join here would let the
  -- planner hash whole tables while they are small and keep that plan as they grow.
  decided as (
    select a.*, s.version,
      case
        when seen.hit then 'seen'
        when a.expected = -1 or (a.expected = -2 and s.version = 0) or (a.expected = -3 and s.version > 0) or a.expected = s.version then 'ok'
        else 'conflict'
      end as outcome
    from a
    cross join lateral (select st.version from es_streams st where st.stream_id = a.sid limit 1) as s
    left join lateral (select true as hit from es_events e where e.event_id = (a.events -> 0 ->> 'i')::uuid limit 1) as seen on true
  ),
  inserted as (
    insert into es_events (stream_id, stream_version, event_id, event_type, data, metadata)
    select d.sid, d.version + j.ordinality, (j.value ->> 'i')::uuid, j.value ->> 't', j.value -> 'd', coalesce(j.value -> 'm', '{}'::jsonb)
    from decided d cross join lateral jsonb_array_elements(d.events) with ordinality as j
    where d.outcome = 'ok'
    order by d.idx, j.ordinality
    returning stream_id, global_position
  ),
  bumped as (
    update es_streams s set version = d.version + d.n from decided d
    where d.outcome = 'ok' and s.stream_id = d.sid
  ),
  written as (
    select i.stream_id, max(i.global_position) as last_position from inserted i group by i.stream_id
  ),
  repeated as (
    select d.idx, r.matched, r.last_version
    from decided d
    cross join lateral (
      select count(*) as matched, max(e.stream_version) as last_version from jsonb_array_elements(d.events) as j
      join es_events e on e.event_id = (j.value ->> 'i')::uuid and e.stream_id = d.sid
    ) as r
    where d.outcome = 'seen'
  ),
  answered as (
    select d.idx, d.sid, d.n, d.version, w.last_position,
      case when d.outcome <> 'seen' then d.outcome when r.matched = d.n then 'duplicate' else 'id_reused' end as outcome,
      r.last_version
    from decided d
    left join written w on w.stream_id = d.sid
    left join repeated r on r.idx = d.idx
  )
  select an.idx, an.outcome,
    case an.outcome when 'ok' then an.version + an.n when 'duplicate' then an.last_version else an.version end,
    case an.outcome when 'ok' then pg_current_xact_id() when 'duplicate' then first_write.transaction_id end,
    case an.outcome when 'ok' then an.last_position when 'duplicate' then first_write.global_position end
  from answered an
  left join lateral (
    select e.transaction_id, e.global_position from es_events e
    where an.outcome = 'duplicate' and e.stream_id = an.sid and e.stream_version = an.last_version
    limit 1
  ) as first_write on true;
end;
$$;

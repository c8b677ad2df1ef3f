-- Appends a whole group-commit batch in one transaction and one round trip, deciding each append
-- on its own: a conflict or a repeat answers for that append only and the others still commit.
--
-- p_appends: [{ "s": stream id, "e": expected version (>= 0 exact; -1 any; -2 no stream;
--               -3 stream exists), "ev": [{ "i": uuid, "t": type, "d": data, "m": metadata }] }]
-- One result row per append (r_index = its place in p_appends):
--   ok        r_version = version after it, r_commit/r_position = place of its last event
--   duplicate its ids are already stored: the answer the first append got
--   conflict  r_version = the stream's actual version; nothing written
--   id_reused the first id is stored, but not as exactly these events in this stream
--
-- Streams are locked in one order ("C" collation of the id) in every batch of every process, so
-- two batches never wait on each other in a cycle.
create or replace function es_append_batch(p_appends jsonb)
returns table (r_index int, r_outcome text, r_version bigint, r_commit xid8, r_position bigint)
language plpgsql
as $$
declare
  a record;
  v_version bigint;
  v_count int;
  v_matched int;
  v_last_version bigint;
  v_position bigint;
begin
  for a in
    select (x.ordinality - 1)::int as idx, x.value ->> 's' as sid, (x.value ->> 'e')::bigint as expected, x.value -> 'ev' as events
    from jsonb_array_elements(p_appends) with ordinality as x
    order by x.value ->> 's' collate "C", x.ordinality
  loop
    v_count := jsonb_array_length(a.events);
    select s.version into v_version from es_streams s where s.stream_id = a.sid for update;
    if not found then
      insert into es_streams (stream_id, version) values (a.sid, 0) on conflict do nothing;
      select s.version into v_version from es_streams s where s.stream_id = a.sid for update;
    end if;

    -- Holding the stream's lock, every earlier append to it has committed: a retry is seen here.
    perform 1 from es_events e where e.event_id = (a.events -> 0 ->> 'i')::uuid;
    if found then
      select count(*), max(e.stream_version) into v_matched, v_last_version
      from es_events e
      where e.stream_id = a.sid
        and e.event_id in (select (j.value ->> 'i')::uuid from jsonb_array_elements(a.events) as j);
      if v_matched = v_count then
        return query
          select a.idx, 'duplicate'::text, e.stream_version, e.transaction_id, e.global_position
          from es_events e where e.stream_id = a.sid and e.stream_version = v_last_version;
      else
        return query select a.idx, 'id_reused'::text, v_version, null::xid8, null::bigint;
      end if;
      continue;
    end if;

    if not (a.expected = -1 or (a.expected = -2 and v_version = 0) or (a.expected = -3 and v_version > 0) or a.expected = v_version) then
      return query select a.idx, 'conflict'::text, v_version, null::xid8, null::bigint;
      continue;
    end if;

    with inserted as (
      insert into es_events (stream_id, stream_version, event_id, event_type, data, metadata)
      select a.sid, v_version + j.ordinality, (j.value ->> 'i')::uuid, j.value ->> 't', j.value -> 'd', coalesce(j.value -> 'm', '{}'::jsonb)
      from jsonb_array_elements(a.events) with ordinality as j
      order by j.ordinality
      returning global_position
    )
    select max(inserted.global_position) into v_position from inserted;
    update es_streams set version = v_version + v_count where stream_id = a.sid;
    return query select a.idx, 'ok'::text, v_version + v_count, pg_current_xact_id(), v_position;
  end loop;
end;
$$;

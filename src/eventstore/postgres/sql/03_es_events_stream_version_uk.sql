-- Optimistic concurrency's last line: no two events at one place in a stream, whatever a writer believed.
create unique index if not exists es_events_stream_version_uk on es_events (stream_id, stream_version);

-- Every event, written once. `global_position` is taken at insert; rows become visible at
-- commit, so readers follow (transaction_id, global_position) and only below the oldest running
-- transaction (see es_read_all in reads.ts and the folder README).
create table if not exists es_events (
  global_position bigint generated always as identity primary key,
  transaction_id xid8 not null default pg_current_xact_id(),
  stream_id text not null,
  stream_version bigint not null check (stream_version >= 1),
  event_id uuid not null,
  event_type text not null,
  data jsonb not null,
  metadata jsonb not null default '{}'::jsonb,
  recorded_at timestamptz not null default now()
);

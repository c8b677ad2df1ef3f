-- Where each projection stands in $all, written in the same transaction as its rows.
-- A null position: nothing projected yet.
create table if not exists projection_checkpoints (
  name text primary key,
  position_commit bigint,
  position_prepare bigint,
  updated_at timestamptz not null default now()
);

-- Events a projection could not apply in continuous mode, kept with the error; later events
-- went on. `projections status` lists them; a successful rebuild clears the ones it applied.
create table if not exists projection_dead_letters (
  projection text not null,
  event_id text not null,
  stream_id text not null,
  stream_version bigint not null,
  event_type text not null,
  position_commit bigint not null,
  position_prepare bigint not null,
  error text not null,
  data jsonb,
  metadata jsonb,
  recorded_at timestamptz,
  failed_at timestamptz not null default now(),
  primary key (projection, event_id)
);

-- One row per stream: its version (number of events). Appends lock this row, so writers of one
-- stream queue up while writers of other streams never wait (no category-wide lock as in
-- message-db). fillfactor leaves room on each page so the version update stays a HOT update.
create table if not exists es_streams (
  stream_id text primary key,
  version bigint not null check (version >= 0)
) with (fillfactor = 70);

-- The $all order. Readers page through it with a (transaction_id, global_position) cursor.
create index if not exists es_events_commit_order_ix on es_events (transaction_id, global_position);

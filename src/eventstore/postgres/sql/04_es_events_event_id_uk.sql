-- An event id is stored once: a retried append is recognised by its ids and answered as before.
create unique index if not exists es_events_event_id_uk on es_events (event_id);

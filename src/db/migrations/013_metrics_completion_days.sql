-- Lead times per day as one histogram row per priority and technique (issue 18: the figures of a
-- month within 50 ms). metric_lead_time_days held a row per lead-time value: a month of figures
-- read about 40,000 of them; metric_completion_days holds days × priorities × techniques rows.
create table if not exists metric_completion_days (
  day date not null,
  -- The promise tier the orders were fulfilled under (rush, standard).
  priority text not null,
  -- dtg, screen, embroidery, or 'all' (each order once).
  technique text not null,
  completed int4 not null,
  on_time int4 not null,
  -- lead_counts[i]: orders whose lead time (payment to ready) falls in bucket i (leadBucket in
  -- src/projections/metrics/daily.ts: a minute each under 2 hours, 10 minutes under a day, half an
  -- hour under a week, 2 hours beyond), up to the last bucket used.
  lead_counts int4[] not null,
  primary key (technique, day, priority)
);

drop table if exists metric_lead_time_days;

-- The figures are refilled from the events: the metrics projection starts again from the first
-- event (the projector catches it up without holding up the orders' read-your-writes), or
-- `npm run cli -- projections rebuild` does it at once.
truncate metric_order_states, metric_stage_entries, metric_completions, metric_holds, metric_stage_days, metric_hold_days;
delete from projection_dead_letters where projection = 'metrics';
delete from projection_checkpoints where name = 'metrics';

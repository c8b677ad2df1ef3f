-- The shop's figures (issue 18), built only by the metrics projection from the order events
-- (src/projections/metrics) and rebuildable at any time. Days are the shop's calendar days
-- (SHOP_TIME_ZONE when the rows were written: changing it needs a rebuild of these tables).
--
-- Facts, one row per order and thing that happened to it, keyed so a replay rewrites the same
-- row; and per-day sums of them that the queries read (a month is a few hundred to a few
-- thousand rows whatever the number of orders). The projection keeps both in the same
-- transaction; a rebuild sums the final facts, so the two always agree.

create table if not exists metric_order_states (
  order_id uuid primary key,
  -- The last stream version folded: an event at or below it was already counted.
  version int4 not null,
  -- The fold's state between batches (OrderMetricsState).
  state jsonb not null
);

create table if not exists metric_stage_entries (
  order_id uuid not null,
  -- A route stop: spec-review, queued, printing, finishing, ready.
  stage text not null,
  entered_at timestamptz not null,
  entered_day date not null,
  priority text not null,
  -- Garments per technique ({"dtg": 3, "screen": 2}).
  garments jsonb not null,
  left_at timestamptz,
  left_day date,
  primary key (order_id, stage)
);
-- The orders in a stage now (the board's counts), without reading those that left.
create index if not exists metric_stage_entries_current on metric_stage_entries (stage, entered_at) where left_at is null;

create table if not exists metric_completions (
  order_id uuid primary key,
  paid_at timestamptz not null,
  ready_at timestamptz not null,
  ready_day date not null,
  promised_at timestamptz not null,
  on_time boolean not null,
  lead_ms int8 not null,
  priority text not null,
  garments jsonb not null
);
create index if not exists metric_completions_ready_day on metric_completions (ready_day);

create table if not exists metric_holds (
  order_id uuid not null,
  started_at timestamptz not null,
  started_day date not null,
  reason text not null,
  ended_at timestamptz,
  held_ms int8,
  garments jsonb not null,
  primary key (order_id, started_at)
);
-- The holds counting now (time on hold so far).
create index if not exists metric_holds_open on metric_holds (started_at) where ended_at is null;

-- technique: dtg, screen, embroidery, or 'all' (each order once).
create table if not exists metric_stage_days (
  day date not null,
  stage text not null,
  priority text not null,
  technique text not null,
  entered int4 not null,
  entered_garments int4 not null,
  exited int4 not null,
  exited_garments int4 not null,
  primary key (technique, day, stage, priority)
);

-- Lead time in minutes, rounded down to a step that grows with it (leadMinutesBucket): a day holds
-- a bounded set of values, whatever the number of orders.
create table if not exists metric_lead_time_days (
  day date not null,
  priority text not null,
  technique text not null,
  lead_minutes int4 not null,
  completed int4 not null,
  on_time int4 not null,
  primary key (technique, day, priority, lead_minutes)
);

create table if not exists metric_hold_days (
  day date not null,
  technique text not null,
  reason text not null,
  holds int4 not null,
  ended int4 not null,
  held_ms int8 not null,
  primary key (technique, day, reason)
);

-- The order read model: the seed's three tables, built only by the `orders` projection from the
-- events and rebuildable at any time (src/projections). Ids, timestamps and references all come
-- from the events, never from defaults, so a rebuild writes the very same rows.
--
-- No foreign keys: `user_id`/`project_id` point at tables we do not own, and between these three
-- tables the projector is the only writer (it writes an order before its children in the same
-- transaction); keys would only slow the bulk rebuild and the blue/green table swap.
-- A rebuild clones these tables' columns, constraints and indexes from the catalog (names
-- included), so what a later migration adds here is rebuilt too.

create extension if not exists pg_trgm;

create table if not exists production_orders (
  id uuid primary key,
  user_id uuid not null,
  project_id uuid,
  reference text not null unique,
  -- The seed's column: the lifecycle state (draft … canceled); the label is derived at read time.
  status text not null default 'draft',
  notes text,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  priority text not null default 'standard',
  hold_reason text,
  prompt text,
  design_url text not null,
  garment_id text not null,
  -- The garment as it was when the order was placed (title, price, sizes, image).
  garment jsonb not null,
  total_cents bigint not null,
  currency text not null default 'usd',
  stripe_checkout_session_id text,
  checkout_url text,
  checkout_simulated boolean,
  payment_session_id text,
  stripe_payment_intent_id text,
  paid_cents bigint,
  paid_currency text,
  paid_at timestamptz,
  -- Money arrived that does not equal the total: the order stays a draft and operators look.
  payment_mismatch boolean not null default false,
  last_payment_failure text,
  refunded_cents bigint not null default 0,
  canceled boolean not null default false,
  canceled_by text,
  cancel_reason text,
  refund_due boolean not null default false,
  -- When each lifecycle state was first reached (the route map); draft is created_at.
  submitted_at timestamptz,
  approved_at timestamptz,
  in_production_at timestamptz,
  fulfilled_at timestamptz,
  canceled_at timestamptz,
  tracking_number text,
  tracking_url text,
  carrier text,
  -- The domain's ETA clock (src/domain/order/eta.ts) as data: etaDays is computed from it at read
  -- time; eta_at is the promise while the clock runs (null before payment, on hold, when stopped).
  eta_clock jsonb not null,
  eta_at timestamptz,
  -- The stream version last applied (the guard: only version + 1 applies) and its $all position.
  version integer not null,
  position_commit bigint not null,
  position_prepare bigint not null
);

-- Lists are newest first with keyset pagination on (created_at, id); one index per filter shape.
create index if not exists production_orders_created_at_id_idx on production_orders (created_at desc, id desc);
create index if not exists production_orders_user_id_created_at_id_idx on production_orders (user_id, created_at desc, id desc);
create index if not exists production_orders_status_created_at_id_idx on production_orders (status, created_at desc, id desc);
create index if not exists production_orders_priority_created_at_id_idx on production_orders (priority, created_at desc, id desc);
-- Search over reference and notes (substring, case-insensitive).
create index if not exists production_orders_search_idx on production_orders using gin ((reference || ' ' || coalesce(notes, '')) gin_trgm_ops);
-- The change feed catches up on what it missed by position.
create index if not exists production_orders_position_commit_position_prepare_idx on production_orders (position_commit, position_prepare);

create table if not exists production_line_items (
  id uuid not null,
  order_id uuid not null,
  -- Keyed by (order, place in the order): that is how they are read; ids come from the event.
  line_no integer not null,
  size text not null,
  quantity integer not null default 1,
  technique text not null default 'dtg',
  unit_price_cents bigint not null,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  primary key (order_id, line_no)
);

-- The timeline: one entry per event, with the status label the order was left in. Keyed by
-- (order, stream version), so an entry can never be written twice; id is the event's own id.
create table if not exists fulfillment_events (
  id uuid not null,
  order_id uuid not null,
  stream_version integer not null,
  status text not null,
  message text,
  metadata jsonb not null default '{}'::jsonb,
  occurred_at timestamptz not null default now(),
  actor_type text not null,
  actor_id text not null,
  event_type text not null,
  position_commit bigint not null,
  position_prepare bigint not null,
  primary key (order_id, stream_version)
);

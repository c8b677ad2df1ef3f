-- What Stripe reports after the money moved, for operators: a refund total above the payment
-- (the excess is flagged, never recorded as money returned), a failed refund, a dispute with
-- its evidence deadline and last status. Written by the orders projection (columns.ts).
alter table production_orders
  add column if not exists refund_excess boolean not null default false,
  add column if not exists refund_failed boolean not null default false,
  add column if not exists refund_failure_reason text,
  add column if not exists dispute_id text,
  add column if not exists dispute_status text,
  add column if not exists dispute_evidence_due_by timestamptz,
  add column if not exists disputed boolean not null default false;

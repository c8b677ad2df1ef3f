-- When the order was put on hold (null when it is not on hold): operators see how long an order
-- has waited. Written by the orders projection from OrderCreated (created on hold) and
-- PriorityChanged; the orders on hold now get it from their timeline: the last change into hold,
-- else their creation (created on hold).
alter table production_orders add column if not exists held_at timestamptz;

update production_orders o
set held_at = coalesce(
  (select max(fe.occurred_at) from fulfillment_events fe
    where fe.order_id = o.id and fe.event_type = 'PriorityChanged'
      and fe.metadata ->> 'to' = 'hold' and fe.metadata ->> 'from' <> 'hold'),
  o.created_at)
where o.priority = 'hold' and o.held_at is null;

-- The board's Ready column holds the orders fulfilled on the shop's today: this index finds them
-- without reading every order the shop ever fulfilled (the status index would). Partial: only
-- fulfilled orders have a fulfilled_at worth finding, and an update that leaves the status and
-- fulfilled_at alone stays a HOT update.
create index if not exists production_orders_fulfilled_at_idx on production_orders (fulfilled_at) where status = 'fulfilled';

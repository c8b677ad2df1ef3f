-- The metrics projection runs in the engine (issue 18): a fulfilled or canceled order's state is
-- kept as null, its version alone (nothing after that changes a figure, and a rebuild holds only
-- that much of each finished order in memory).
alter table metric_order_states alter column state drop not null;

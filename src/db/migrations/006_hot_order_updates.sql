-- Most changes to an order (a message, an ETA, a payment) touch no indexed column but its
-- position. The index on that position made every projected change a non-HOT update: a new entry
-- in each of the table's seven indexes, the search GIN among them, per change. Without it, and
-- with room left on each page for the row's next version, such an update is a heap-only tuple
-- (HOT) and writes no index at all: the projector's batch statement took about 40% less time
-- under the GraphQL bench's load.
--
-- What "which orders changed after position P" needs (the change feed catching up after a lost
-- LISTEN, the rebuild announcing its switch) is read from the timeline instead: one insert-only
-- entry per applied change, in position order, where a BRIN index is a few pages and costs
-- an insert next to nothing.
drop index if exists production_orders_position_commit_position_prepare_idx;
alter table production_orders set (fillfactor = 70);
create index if not exists fulfillment_events_position_brin_idx on fulfillment_events using brin (position_commit);

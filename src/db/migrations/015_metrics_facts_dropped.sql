-- The metrics projection's per-order fact tables go: nothing read them (the figures read the day
-- sums, a live batch reads each order's state, which holds its open stage and hold), and writing
-- them cost a rebuild about a third of its rate. The day sums and states are unchanged, so the
-- projection keeps its checkpoint: nothing needs refilling.
drop table if exists metric_stage_entries;
drop table if exists metric_completions;
drop table if exists metric_holds;

-- The first statement of every live projection batch: creates the checkpoint row the first time,
-- locks it, and refuses (SQLSTATE PJ001) when it is not where the projector left it (another
-- leader wrote, or a rebuild switched tables). Being a statement of its own lets the batch's
-- BEGIN, this check, its writes and its COMMIT travel to the server as one message, while the
-- checkpoint row is still locked before any projected table, as the rebuild switch locks them.
create or replace function projection_checkpoint_at(p_name text, p_commit bigint, p_prepare bigint) returns void
language plpgsql as $$
declare
  stored_commit bigint;
  stored_prepare bigint;
begin
  insert into projection_checkpoints (name) values (p_name) on conflict (name) do nothing;
  select position_commit, position_prepare into stored_commit, stored_prepare
    from projection_checkpoints where name = p_name for update;
  if stored_commit is distinct from p_commit or stored_prepare is distinct from p_prepare then
    raise exception 'projection % is not at the checkpoint this writer left it at', p_name using errcode = 'PJ001';
  end if;
end
$$;

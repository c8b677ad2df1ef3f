-- Every change to who is an operator is announced on channel `user_profiles` after its commit
-- (payload: the user id; `*` for a truncate), so each server process drops its cached answer for
-- that user at once, whichever process (or psql session) made the change.
create or replace function user_profiles_notify() returns trigger
language plpgsql as $$
begin
  if tg_op = 'TRUNCATE' then
    perform pg_notify('user_profiles', '*');
  elsif tg_op = 'DELETE' then
    perform pg_notify('user_profiles', old.user_id::text);
  elsif tg_op = 'INSERT' or new.is_operator is distinct from old.is_operator or new.user_id <> old.user_id then
    perform pg_notify('user_profiles', new.user_id::text);
    if tg_op = 'UPDATE' and new.user_id <> old.user_id then
      perform pg_notify('user_profiles', old.user_id::text);
    end if;
  end if;
  return null;
end
$$;

drop trigger if exists user_profiles_notify on user_profiles;
create trigger user_profiles_notify after insert or update or delete on user_profiles
  for each row execute function user_profiles_notify();

drop trigger if exists user_profiles_notify_truncate on user_profiles;
create trigger user_profiles_notify_truncate after truncate on user_profiles
  for each statement execute function user_profiles_notify();

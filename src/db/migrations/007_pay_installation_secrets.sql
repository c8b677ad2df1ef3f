-- Secrets of this installation, made once (random) by the first process that starts and read by
-- all others sharing the database (src/db/installationSecret.ts). `ids` keys the order ids derived
-- from idempotency keys, so nobody outside can compute them. Not part of the read model: a
-- rebuild never touches it, and losing it changes the ids that retried keys map to.
create table if not exists installation_secrets (
  name text primary key,
  secret bytea not null check (octet_length(secret) >= 32),
  created_at timestamptz not null default now()
);

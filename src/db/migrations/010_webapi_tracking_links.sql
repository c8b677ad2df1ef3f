-- The public tracking link (`$PUBLIC_BASE_URL/track/<token>`): the active token of each order,
-- projected from TrackingLinkIssued / TrackingLinkRevoked. Anonymous lookups go by the token,
-- so it has a unique index (orders without a link are null, and nulls never collide); a rebuild
-- clones the index from here with the table.
alter table production_orders add column if not exists public_tracking_token text;
create unique index if not exists production_orders_public_tracking_token_key on production_orders (public_tracking_token);

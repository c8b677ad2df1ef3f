-- The garment catalog (blanks an order can be printed on) and who is an operator. Neither is a
-- projection: operators edit them (`npm run cli -- garments import`, `operators grant`).

create table if not exists garments (
  id text primary key,
  title text not null,
  price_cents integer not null check (price_cents > 0),
  sizes text[] not null check (cardinality(sizes) > 0),
  image_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A starting catalog; `do nothing` keeps whatever an operator changed since.
insert into garments (id, title, price_cents, sizes, image_url) values
  ('classic-tee', 'Classic Cotton Tee', 1800, array['XS','S','M','L','XL','2XL','3XL'], 'https://placehold.co/600x600/png?text=Classic+Cotton+Tee'),
  ('heavyweight-tee', 'Heavyweight Tee', 2400, array['S','M','L','XL','2XL','3XL'], 'https://placehold.co/600x600/png?text=Heavyweight+Tee'),
  ('long-sleeve-tee', 'Long Sleeve Tee', 2600, array['S','M','L','XL','2XL'], 'https://placehold.co/600x600/png?text=Long+Sleeve+Tee'),
  ('pullover-hoodie', 'Pullover Hoodie', 4200, array['S','M','L','XL','2XL','3XL'], 'https://placehold.co/600x600/png?text=Pullover+Hoodie'),
  ('zip-hoodie', 'Full-Zip Hoodie', 4800, array['S','M','L','XL','2XL'], 'https://placehold.co/600x600/png?text=Full-Zip+Hoodie'),
  ('crewneck-sweatshirt', 'Crewneck Sweatshirt', 3600, array['S','M','L','XL','2XL'], 'https://placehold.co/600x600/png?text=Crewneck+Sweatshirt'),
  ('canvas-tote', 'Canvas Tote Bag', 1500, array['One Size'], 'https://placehold.co/600x600/png?text=Canvas+Tote+Bag')
on conflict (id) do nothing;

create table if not exists user_profiles (
  user_id uuid primary key,
  is_operator boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

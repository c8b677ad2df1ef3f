-- The seeded garments' pictures come from our own origin (`GET /garments/<id>.svg`, files in
-- src/http/garments/) instead of an outside placeholder service: the pages load nothing from
-- other origins. Stored as a path; the API makes it absolute with PUBLIC_BASE_URL. Only rows
-- that still carry the seed's placeholder change: a garment an operator imported with an image
-- of its own keeps it.
update garments
set image_url = '/garments/' || id || '.svg', updated_at = now()
where id in ('classic-tee', 'heavyweight-tee', 'long-sleeve-tee', 'pullover-hoodie', 'zip-hoodie', 'crewneck-sweatshirt', 'canvas-tote')
  and image_url like 'https://placehold.co/%';

import type pg from 'pg';
import type { GarmentSnapshot } from '../../domain/order/index.ts';
import type { GarmentCatalog } from './ports.ts';

interface GarmentRow {
  id: string;
  title: string;
  price_cents: number;
  sizes: string[];
  image_url: string | null;
}

/** The `garments` table of the read database (created by its migration, `002_catalog_and_profiles.sql`). */
export function createPostgresGarmentCatalog(pool: pg.Pool): GarmentCatalog {
  return {
    async find(id) {
      const { rows } = await pool.query<GarmentRow>(
        'select id, title, price_cents, sizes, image_url from garments where id = $1',
        [id],
      );
      const row = rows[0];
      return row
        ? { id: row.id, title: row.title, priceCents: row.price_cents, sizes: row.sizes, imageUrl: row.image_url }
        : undefined;
    },
  };
}

/** A fixed catalog, for tests. */
export function createInMemoryGarmentCatalog(garments: readonly GarmentSnapshot[]): GarmentCatalog {
  const byId = new Map(garments.map((garment) => [garment.id, garment]));
  return { find: (id) => Promise.resolve(byId.get(id)) };
}

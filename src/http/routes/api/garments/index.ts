import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GarmentCatalog } from '../../../../application/garments.ts';
import { garment } from '../production/summary.ts';

const garmentsReply = z.object({ garments: z.array(garment) });

/** `GET /api/garments`: the catalog, for anyone (what `POST /api/production` takes as `garmentId`). */
export const garmentRoutes: FastifyPluginAsync<{ readonly garments: GarmentCatalog }> = (app, { garments }) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/garments',
    {
      config: { authenticate: false },
      schema: { summary: 'The garment catalog', tags: ['catalog'], response: { 200: garmentsReply } },
    },
    async () => ({
      garments: (await garments.list()).map((g) => ({
        id: g.id,
        title: g.title,
        price: g.priceCents / 100,
        priceCents: g.priceCents,
        sizes: [...g.sizes],
        imageUrl: g.imageUrl,
      })),
    }),
  );
  return Promise.resolve();
};

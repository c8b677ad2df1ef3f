import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../domain/errors.ts';

/** Where the seeded catalog points (migration 010): `/garments/<garment id>.svg`. */
export const GARMENT_IMAGE_PREFIX = '/garments/';

interface Image {
  readonly body: Buffer;
  readonly etag: string;
}

/** The SVG files beside this module, read once: a handful of small files, served from memory. */
function loadImages(): ReadonlyMap<string, Image> {
  const directory = new URL('./', import.meta.url);
  const images = new Map<string, Image>();
  for (const name of readdirSync(directory)) {
    if (!name.endsWith('.svg')) continue;
    const body = readFileSync(new URL(name, directory));
    images.set(name, { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }
  return images;
}

/**
 * A day, then revalidated by ETag: the names carry no content hash (the catalog stores them), so
 * a changed picture must reach browsers without a rename.
 */
const CACHE_CONTROL = 'public, max-age=86400, stale-while-revalidate=604800';

const params = z.object({ file: z.string().max(100).describe('`<garment id>.svg`') });

/**
 * `GET /garments/<id>.svg`: pictures of the garment blanks from our own origin (the catalog
 * pointed at an outside placeholder service before). Anyone may fetch them; scripts inside an
 * SVG never run under its own strict Content-Security-Policy, should a file ever carry one.
 */
export const garmentImageRoutes: FastifyPluginAsync = (app) => {
  const images = loadImages();
  app.withTypeProvider<ZodTypeProvider>().get(
    `${GARMENT_IMAGE_PREFIX}:file`,
    {
      config: { authenticate: false },
      schema: { summary: 'A picture of a garment blank (SVG)', tags: ['catalog'], params },
    },
    async (request, reply) => {
      const image = images.get(request.params.file);
      if (!image) throw new AppError('NOT_FOUND', `No garment image ${request.params.file}`);
      reply
        .header('cache-control', CACHE_CONTROL)
        .header('etag', image.etag)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      if (request.headers['if-none-match'] === image.etag) return reply.code(304).send();
      return reply.type('image/svg+xml').send(image.body);
    },
  );
  return Promise.resolve();
};

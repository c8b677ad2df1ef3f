import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem } from '../problem.ts';

/** Where `npm install`/`npm start` build the pages (web/, `node scripts/web.mjs build`). */
export const DEFAULT_PAGES_DIR = join(import.meta.dirname, '..', '..', '..', 'web', 'dist');

/** The paths the pages' router answers; anything else keeps the API's JSON 404. */
export const PAGE_ROUTES = [
  '/orders',
  '/orders/:id',
  '/order-success',
  '/track/:token',
  '/signin',
  '/ops',
  '/ops/*',
] as const;

/**
 * Serves the built pages from the API's own origin: hashed files under `/assets/` cached for good
 * (their names change with their content), and the app's HTML for each page route with
 * `no-cache`, so a new build is picked up at the next visit. The HTML is read per request: a
 * rebuild while the server runs replaces the hashed files it names. Pages need no token to be
 * served (the browser sends none); they call `/graphql` with it.
 */
export const pageRoutes: FastifyPluginAsync<{ readonly pagesDir: string }> = async (app, { pagesDir }) => {
  const indexFile = join(pagesDir, 'index.html');
  const assetsDir = join(pagesDir, 'assets');
  if (existsSync(assetsDir)) {
    await app.register(fastifyStatic, {
      root: assetsDir,
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      cacheControl: true,
      maxAge: 31_536_000_000,
      immutable: true,
    });
  }
  for (const url of PAGE_ROUTES) {
    app.get(url, { config: { authenticate: false }, schema: { hide: true } }, async (_request, reply) => {
      let html: string;
      try {
        html = await readFile(indexFile, 'utf8');
      } catch {
        const detail = 'The pages are not built: run `npm run build:web` (npm install and npm start build them).';
        return reply
          .status(503)
          .type(PROBLEM_CONTENT_TYPE)
          .send(problem(503, 'SERVICE_UNAVAILABLE', detail));
      }
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    });
  }
};

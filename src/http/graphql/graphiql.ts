import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { GraphiQLOptions } from 'graphql-yoga';
import type * as GraphiQLBundle from '@graphql-yoga/render-graphiql/graphiql';

/**
 * GraphiQL from our own origin. Yoga's default page loads it from a public CDN (no integrity
 * check, blank offline); `@graphql-yoga/render-graphiql` bundles it, but its page inlines the
 * 9 MB bundle, its CSS and its Monaco workers (as blob: URLs) in an inline `<script>` and
 * `<style>`, which the Content-Security-Policy (`script-src 'self'`, `style-src 'self'`) forbids.
 * So the same bundle is served here as separate files under a content-hashed path, cacheable
 * for a year: the page is plain HTML with its options in a JSON data block (not executed), the
 * script starts GraphiQL itself and points Monaco at worker files from this origin.
 */
const PREFIX = '/graphiql';

type Bundle = typeof GraphiQLBundle;

interface Assets {
  readonly base: string;
  readonly files: ReadonlyMap<string, { readonly type: string; readonly body: Buffer }>;
}

const WORKERS = {
  editorWorkerService: 'editorWorkerService',
  json: 'jsonWorker',
  graphql: 'graphqlWorker',
} as const satisfies Record<string, keyof Bundle>;

let loading: Promise<Assets> | undefined;

/** The bundle is 9 MB: read only when someone opens GraphiQL, then kept. */
function assets(): Promise<Assets> {
  loading ??= import('@graphql-yoga/render-graphiql/graphiql').then((bundle) => {
    const version = createHash('sha256').update(bundle.js).update(bundle.css).digest('hex').slice(0, 16);
    const base = `${PREFIX}/${version}`;
    const workerUrls = Object.fromEntries(Object.keys(WORKERS).map((label) => [label, `${base}/workers/${label}.js`]));
    const start = `
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: function (_moduleId, label) { var urls = ${JSON.stringify(workerUrls)}; return urls[label] || urls.editorWorkerService; },
};
${bundle.js};
YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), JSON.parse(document.getElementById('graphiql-options').textContent));
`;
    const files = new Map<string, { type: string; body: Buffer }>([
      ['graphiql.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(start) }],
      ['graphiql.css', { type: 'text/css; charset=utf-8', body: Buffer.from(bundle.css) }],
      ...Object.entries(WORKERS).map(
        ([label, name]) =>
          [`workers/${label}.js`, { type: 'text/javascript; charset=utf-8', body: Buffer.from(bundle[name]) }] as const,
      ),
      // A 150 KB data: URL in the bundle; as a file it is not in every page load.
      [
        'favicon.ico',
        { type: 'image/x-icon', body: Buffer.from(bundle.favicon.slice(bundle.favicon.indexOf(',') + 1), 'base64') },
      ],
    ]);
    return { base, files };
  });
  return loading;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Yoga's `renderGraphiQL`: the page, with nothing inline that runs. */
export async function renderGraphiQL(options: GraphiQLOptions): Promise<string> {
  const { base } = await assets();
  // `<` escaped so no value can end the data block.
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${base}/favicon.ico" />
    <link rel="stylesheet" href="${base}/graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run GraphiQL.</noscript>
    <div id="root"></div>
    <script type="application/json" id="graphiql-options">${json}</script>
    <script src="${base}/graphiql.js"></script>
  </body>
</html>
`;
}

/** The files the page loads; a path of another version (an old cached page) is 404. */
export function registerGraphiQLAssets(app: FastifyInstance): void {
  app.get<{ Params: { version: string; '*': string } }>(
    `${PREFIX}/:version/*`,
    { config: { authenticate: false }, schema: { hide: true } },
    async (request, reply) => {
      const { base, files } = await assets();
      const file = files.get(request.params['*']);
      if (!file || `${PREFIX}/${request.params.version}` !== base) return reply.callNotFound();
      return reply.type(file.type).header('cache-control', 'public, max-age=31536000, immutable').send(file.body);
    },
  );
}

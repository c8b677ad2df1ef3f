import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../metrics.ts';

/** Request latency for every route (by route pattern, never raw URL, to bound label values), and `/metrics`. */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.requestHandled(
      request.routeOptions.url ?? 'unmatched',
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  // Scraped every few seconds: no request line at the default level.
  app.get('/metrics', { config: { authenticate: false }, logLevel: 'warn' }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

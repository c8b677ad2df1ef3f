import type { FastifyPluginAsync } from 'fastify';

/** `GET /`: where everything is, for anyone who opens the server's address. */
export const homeRoutes: FastifyPluginAsync = (app) => {
  app.get('/', { config: { authenticate: false } }, () => ({
    graphql: '/graphql',
    docs: '/docs',
    rest: '/api/production',
    garments: '/api/garments',
    pages: { orders: '/orders', ops: '/ops/orders' },
    health: '/healthz',
    ready: '/readyz',
    metrics: '/metrics',
  }));
  return Promise.resolve();
};

import type { FastifyPluginAsync } from 'fastify';
import { registerCreateRoute, type CreateRouteDeps } from './productionCreate.ts';

export type ProductionRouteDeps = CreateRouteDeps;

/** `/api/production`: REST for production orders, for `buildApp({ routes })`. */
export function productionRoutes(deps: ProductionRouteDeps): FastifyPluginAsync {
  return (app) => {
    registerCreateRoute(app, deps);
    return Promise.resolve();
  };
}

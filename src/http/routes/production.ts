import type { FastifyPluginAsync } from 'fastify';
import { registerCreateRoute, type CreateRouteDeps } from './productionCreate.ts';
import { registerListRoute } from './productionList.ts';
import { registerReadRoute } from './productionRead.ts';
import { registerUpdateRoute, type UpdateRouteDeps } from './productionUpdate.ts';

export type ProductionRouteDeps = CreateRouteDeps & UpdateRouteDeps & { readonly commands: CreateRouteDeps['commands'] & UpdateRouteDeps['commands'] };

/** `/api/production`: REST for production orders, for `buildApp({ routes })`. */
export function productionRoutes(deps: ProductionRouteDeps): FastifyPluginAsync {
  return (app) => {
    registerCreateRoute(app, deps);
    registerReadRoute(app, deps);
    registerListRoute(app, deps);
    registerUpdateRoute(app, deps);
    return Promise.resolve();
  };
}

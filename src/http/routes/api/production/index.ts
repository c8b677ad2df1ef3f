import type { FastifyPluginAsync } from 'fastify';
import { registerCreateRoute, type CreateRouteDeps } from './create.ts';
import { registerListRoute } from './list.ts';
import { registerReadRoute } from './read.ts';
import { registerUpdateRoute, type UpdateRouteDeps } from './update.ts';

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

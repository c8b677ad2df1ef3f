import type { FastifyPluginAsync } from 'fastify';
import type { OrderApplication } from '../../../../application/orders/index.ts';
import { registerCreateRoute } from './create.ts';
import { registerListRoute } from './list.ts';
import { registerReadRoute } from './read.ts';
import { registerUpdateRoute } from './update.ts';

export interface ProductionRouteOptions {
  readonly orders: OrderApplication;
}

/** `/api/production`: REST for production orders, each route a thin mapping onto the order application. */
export const productionRoutes: FastifyPluginAsync<ProductionRouteOptions> = (app, { orders }) => {
  registerCreateRoute(app, orders);
  registerReadRoute(app, orders);
  registerListRoute(app, orders);
  registerUpdateRoute(app, orders);
  return Promise.resolve();
};

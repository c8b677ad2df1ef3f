import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { IResolvers } from '@graphql-tools/utils';
import type pg from 'pg';
import type { Authenticator } from '../auth/authenticate.ts';
import type { EventStore } from '../commands/eventStore.ts';
import type { Metrics } from '../app/metrics.ts';
import type { Config } from '../config.ts';
import { registerAuthentication } from './authentication.ts';
import { registerErrorHandling } from './errorHandler.ts';
import { registerGarmentImages } from './garments/images.ts';
import { registerGraphQL } from './graphql/index.ts';
import type { GarmentCatalog } from './graphql/resolvers/catalog.ts';
import { registerHealthRoutes } from './health.ts';
import { boundedLogger, registerRequestLog } from './logging.ts';
import { registerGarmentRoutes } from './routes/garments.ts';
import { registerMetrics } from './metricsRoutes.ts';

/** Everything the HTTP app uses, made by the caller (`src/app/`), so tests pass their own. */
export interface AppDeps {
  /** The read-model pool (health checks, the catalog, operators). Not closed by the app. */
  readonly pool: Pick<pg.Pool, 'query'>;
  readonly eventStore: Pick<EventStore, 'headPosition'>;
  readonly authenticator: Authenticator;
  readonly metrics: Metrics;
  readonly garments: GarmentCatalog;
  /** GRAPHQL_INTROSPECTION: also turns GraphiQL off when false. */
  readonly introspection: boolean;
  /** Events not yet projected, from the projector's status; readiness and the lag gauge read it. */
  readonly projectionLag?: () => Promise<number | undefined>;
  /** Readiness fails above this lag (events). Default 10,000. */
  readonly maxProjectionLag?: number;
  /** Which payments run (`PAYMENTS`); `/readyz` says it. */
  readonly payments?: Config['payments'];
  /** Order queries, mutations and subscriptions, merged over the built-in catalog resolvers. */
  readonly graphqlResolvers?: readonly IResolvers[];
  /** More routes (REST, webhooks), registered after the error handler and authentication. */
  readonly routes?: readonly FastifyPluginAsync[];
  /** pino options (level, stream), or false for silence (tests); every line is bounded (`logging.ts`). */
  readonly logger?: FastifyServerOptions['logger'];
}

/**
 * The whole HTTP surface, ready for `listen` or `inject`; never listens itself. Resources it is
 * given (pools, stores) stay the caller's to close; what it creates (subscriptions, the
 * WebSocket server) it closes in `app.close()`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: boundedLogger(deps.logger),
    // registerRequestLog writes one line per request, not fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Refuse new requests during shutdown instead of starting work that close() must wait for.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerRequestLog(app);
  registerMetrics(app, deps.metrics);
  registerAuthentication(app, deps.authenticator);
  if (deps.projectionLag) deps.metrics.setProjectionLagSource(deps.projectionLag);

  registerHealthRoutes(app, {
    pool: deps.pool,
    eventStore: deps.eventStore,
    ...(deps.projectionLag ? { projectionLag: deps.projectionLag } : {}),
    ...(deps.maxProjectionLag === undefined ? {} : { maxProjectionLag: deps.maxProjectionLag }),
    ...(deps.payments === undefined ? {} : { payments: deps.payments }),
  });
  registerGraphQL(app, {
    authenticator: deps.authenticator,
    metrics: deps.metrics,
    garments: deps.garments,
    introspection: deps.introspection,
    ...(deps.graphqlResolvers ? { resolvers: deps.graphqlResolvers } : {}),
  });
  registerGarmentRoutes(app, deps.garments);
  registerGarmentImages(app);
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
  for (const routes of deps.routes ?? []) await app.register(routes);
  await app.ready();
  return app;
}

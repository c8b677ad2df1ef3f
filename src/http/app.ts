import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { IResolvers } from '@graphql-tools/utils';
import type pg from 'pg';
import type { Authenticator } from '../auth/authenticate.ts';
import type { EventStore } from '../eventstore/eventStore.ts';
import type { Metrics } from '../metrics.ts';
import { loadConfig, type Config, type HttpLimits, type RateLimits, type SubscriptionLimits } from '../config.ts';
import { createOrderApplication } from '../application/orders/index.ts';
import { createMetricsApplication } from '../application/metrics/index.ts';
import type { PaymentEndpoints } from '../payments/setup.ts';
import { registerAuthentication } from './authentication.ts';
import { registerCors } from './cors.ts';
import { registerErrorHandling } from './errorHandler.ts';
import { registerGraphQL } from './graphql/index.ts';
import type { GarmentCatalog } from '../application/garments.ts';
import { orderResolvers, type OrderResolverDeps } from './graphql/resolvers/orders/index.ts';
import { metricsResolvers } from './graphql/resolvers/metrics.ts';
import { boundedLogger, registerRequestLog } from './logging.ts';
import { createAuthGuard, registerWebhookGuard } from './rateLimits.ts';
import { registerSecurityHeaders } from './securityHeaders.ts';
import { garmentRoutes } from './routes/api/garments/index.ts';
import { productionRoutes } from './routes/api/production/index.ts';
import { stripeWebhookRoutes } from './routes/api/stripe/webhook/index.ts';
import { simulatedCheckoutRoutes } from './routes/checkout/simulated/index.ts';
import { apiDocsRoutes, type ApiDocsOptions } from './routes/docs/index.ts';
import { garmentImageRoutes } from './routes/garments/images.ts';
import { healthRoutes } from './routes/health.ts';
import { homeRoutes } from './routes/home.ts';
import { registerMetrics } from './routes/metrics.ts';
import { pageRoutes } from './routes/pages.ts';

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
  /**
   * The headers GraphiQL's first tab starts with, made for each page (development on a loopback
   * address: the dev customer's token, so the example query runs as a signed-in customer).
   */
  readonly graphiqlHeaders?: () => Promise<string>;
  /** Events not yet projected, from the projector's status; readiness and the lag gauge read it. */
  readonly projectionLag?: () => Promise<number | undefined>;
  /** Readiness fails above this lag (events). Default 10,000. */
  readonly maxProjectionLag?: number;
  /** Which payments run (`PAYMENTS`); `/readyz` says it. */
  readonly payments?: Config['payments'];
  /**
   * The orders, served by REST (`/api/production`) and GraphQL (the order queries, mutations and
   * subscriptions) alike through one application (src/application/orders); omitted: neither.
   */
  readonly orders?: OrderResolverDeps;
  /** The OpenAPI document at `/docs` (of the routes registered after it); omitted: none. */
  readonly apiDocs?: ApiDocsOptions;
  /** The Stripe webhook and, with simulated payments, the Checkout page (`setUpPayments(…).endpoints`); omitted: neither. */
  readonly paymentEndpoints?: PaymentEndpoints;
  /** More GraphQL resolvers (tests' own), merged over the built-in ones. */
  readonly graphqlResolvers?: readonly IResolvers[];
  /** More routes (tests' own), registered after every built-in route but the pages. */
  readonly routes?: readonly FastifyPluginAsync[];
  /** The built pages (`web/dist`) to serve at the page routes (src/http/routes/pages.ts); omitted: no pages. */
  readonly pagesDir?: string;
  /** pino options (level, stream), or false for silence (tests); every line is bounded (`logging.ts`). */
  readonly logger?: FastifyServerOptions['logger'];
  /** Failed authentications and bad webhook signatures per address (order creations are the command service's). Default: the config's defaults. */
  readonly rateLimits?: Pick<RateLimits, 'authFailures' | 'webhookFailures'>;
  /** CORS_ORIGINS. Default: none (same origin only). */
  readonly corsOrigins?: readonly string[];
  /** TRUST_PROXY_HOPS. Default: 0 (the connection's own address). */
  readonly trustProxyHops?: number;
  /** HTTP timeouts and caps (HTTP_*), and subscription caps (WS_*, SSE_*); unset: the configuration's defaults. */
  readonly limits?: { readonly http?: HttpLimits; readonly subscriptions?: SubscriptionLimits };
}

/**
 * The whole HTTP surface, ready for `listen` or `inject`; never listens itself. Resources it is
 * given (pools, stores) stay the caller's to close; what it creates (subscriptions, the
 * WebSocket server) it closes in `app.close()`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // The configuration's defaults, from its one schema.
  const defaults = loadConfig({});
  const http = deps.limits?.http ?? defaults.http;
  const subscriptionLimits = deps.limits?.subscriptions ?? defaults.subscriptions;
  const app = Fastify({
    logger: boundedLogger(deps.logger),
    // registerRequestLog writes one line per request, not fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Refuse new requests during shutdown instead of starting work that close() must wait for.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // `request.ip` from X-Forwarded-For past this many proxies (the WebSocket's is AuthGuard.addressOf, alike).
    trustProxy: deps.trustProxyHops ? (_address: string, hop: number) => hop < (deps.trustProxyHops ?? 0) : false,
    // Receiving a whole request (headers and body) is bounded, so a body trickled in a byte at a
    // time is cut (408). Responses are not: SSE streams and upgraded WebSockets stay open, and
    // their idleness is bounded by the subscription limits instead, so no socket idle timeout
    // (connectionTimeout) is set.
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      // Node looks for expired requests every this often (default 30 s, so a request could live a
      // whole interval past its timeout).
      connectionsCheckingInterval: Math.max(100, Math.min(Math.floor(http.requestTimeoutMs / 4), 30_000)),
      // Node checks no request's timeout while the headers' one (default 60 s) is the longer:
      // a body trickled in was then never cut.
      headersTimeout: Math.min(60_000, http.requestTimeoutMs),
    },
  });
  // Over this, the server socket closes new connections at once instead of serving them slowly.
  app.server.maxConnections = http.maxConnections;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerRequestLog(app);
  registerMetrics(app, deps.metrics);
  // Headers first: every answer carries them, a refusal by a later hook too.
  registerSecurityHeaders(app);
  registerCors(app, deps.corsOrigins ?? []);
  const rateLimits = deps.rateLimits ?? loadConfig({}).rateLimits;
  const authGuard = createAuthGuard(deps.authenticator, rateLimits.authFailures, deps.trustProxyHops ?? 0);
  registerAuthentication(app, authGuard);
  registerWebhookGuard(app, rateLimits.webhookFailures);
  if (deps.projectionLag) deps.metrics.setProjectionLagSource(deps.projectionLag);

  // The routes: each a plugin, in a folder named by its URL path (routes/), registered in the
  // order they have always had (the OpenAPI document sees only what is registered after it).
  await app.register(healthRoutes, {
    pool: deps.pool,
    eventStore: deps.eventStore,
    ...(deps.projectionLag ? { projectionLag: deps.projectionLag } : {}),
    ...(deps.maxProjectionLag === undefined ? {} : { maxProjectionLag: deps.maxProjectionLag }),
    ...(deps.payments === undefined ? {} : { payments: deps.payments }),
  });
  // One order application under both transports.
  const orders = deps.orders ? createOrderApplication(deps.orders) : undefined;
  if (orders) deps.metrics.setStageFiguresSource(() => orders.stageFigures());
  const graphqlResolvers = [
    ...(deps.orders ? orderResolvers({ ...deps.orders, ...(orders ? { orders } : {}) }) : []),
    // The shop's figures are read from the same read model as the orders.
    ...(deps.orders
      ? [
          metricsResolvers(
            createMetricsApplication({
              db: deps.orders.readModel.db,
              shopTimeZone: deps.orders.shopTimeZone,
              ...(deps.orders.clock ? { clock: deps.orders.clock } : {}),
            }),
          ),
        ]
      : []),
    ...(deps.graphqlResolvers ?? []),
  ];
  registerGraphQL(app, {
    authenticator: deps.authenticator,
    authGuard,
    metrics: deps.metrics,
    garments: deps.garments,
    introspection: deps.introspection,
    ...(deps.graphiqlHeaders ? { graphiqlHeaders: deps.graphiqlHeaders } : {}),
    limits: subscriptionLimits,
    ...(graphqlResolvers.length > 0 ? { resolvers: graphqlResolvers } : {}),
  });
  await app.register(garmentRoutes, { garments: deps.garments });
  await app.register(garmentImageRoutes);
  await app.register(homeRoutes);
  if (deps.apiDocs) await app.register(apiDocsRoutes, deps.apiDocs);
  if (deps.paymentEndpoints) {
    await app.register(stripeWebhookRoutes, deps.paymentEndpoints.webhook);
    if (deps.paymentEndpoints.simulatedCheckout)
      await app.register(simulatedCheckoutRoutes, deps.paymentEndpoints.simulatedCheckout);
  }
  if (orders) await app.register(productionRoutes, { orders });
  for (const routes of deps.routes ?? []) await app.register(routes);
  if (deps.pagesDir) await app.register(pageRoutes, { pagesDir: deps.pagesDir });
  await app.ready();
  return app;
}

import type pg from 'pg';
import { isLoopbackHost, type Config } from '../config.ts';
import type { EventStore } from '../eventstore/eventStore.ts';
import {
  createOrderCommands,
  createPostgresGarmentCatalog,
  createPostgresReferenceAllocator,
  type OrderCommands,
} from '../commands/order/index.ts';
import { loadInstallationSecret } from '../db/installationSecret.ts';
import { migrate } from '../db/migrate.ts';
import type { AppDeps } from '../http/app.ts';
import { DEFAULT_PAGES_DIR } from '../http/routes/pages.ts';
import { loadDevWebhookSecret } from '../payments/devWebhookSecret.ts';
import { setUpPayments, type Payments } from '../payments/setup.ts';
import {
  createOrderCache,
  listGarments,
  projectionStatus,
  readModelProjections,
  startReadModel,
  type ChangeFeed,
  type OrderCache,
  type ReadModel,
} from '../projections/index.ts';
import { setUpAuth, type AuthSetup } from './auth.ts';
import { Closables } from './closables.ts';
import { devCustomerToken } from './devUsers.ts';
import { withCommandMetrics } from './commandMetrics.ts';
import { openDatabase } from './database.ts';
import { openEventStore } from './eventStore.ts';
import { addressKey, createRateLimiter, withOrderCreationLimit } from '../application/rateLimiter.ts';
import { createMetrics, type Metrics } from '../metrics.ts';

/** Readiness fails when the read model is this many events behind. */
const MAX_PROJECTION_LAG = 10_000;

export interface RuntimeLog {
  info(message: string): void;
  error(details: object, message: string): void;
}

/** The process's resources, made from the config once, shared by the server, the CLI and e2e tests. */
export interface Runtime {
  readonly config: Config;
  readonly pool: pg.Pool;
  readonly databaseUrl: string;
  /** The database is the embedded PostgreSQL in the data dir. */
  readonly embeddedDatabase: boolean;
  readonly eventStore: EventStore;
  readonly auth: AuthSetup;
  readonly metrics: Metrics;
  readonly commands: OrderCommands;
  readonly readModel: ReadModel;
  /** Whole orders by id, kept coherent by the change feed; `order(id)` and GET /production/:id read through it. */
  readonly orderCache: OrderCache;
  readonly payments: Payments;
  /** What `buildApp` needs, from these resources. */
  appDeps(): AppDeps;
  /** Tell the parts that call the server back (simulated payments) where it listens. */
  listening(url: string): void;
  /** Closes everything, last opened first: background work, read model, event store, pool, database. */
  close(): Promise<void>;
}

/**
 * Opens, in order: the database (embedded when DATABASE_URL is unset), migrations, the event
 * store EVENT_STORE names, auth, the read model (and the projector when PROJECTOR=on), the
 * command service, payments. A failure part-way closes what was opened and rethrows.
 */
export async function openRuntime(config: Config, log: RuntimeLog): Promise<Runtime> {
  const closables = new Closables();
  const closeAll = () => closables.close((name, error) => log.error({ err: error }, `closing ${name} failed`));
  try {
    const database = await openDatabase(config, closables, { timeouts: config.database });
    const { pool, backgroundPool } = database;
    // Migrations may run long (an index on a big table): not under the request timeouts.
    const applied = await migrate(backgroundPool);
    if (applied.length > 0) log.info(`migrations applied: ${applied.join(', ')}`);
    const eventStore = await openEventStore(config, database.url, closables, config.database);
    const auth = await setUpAuth(config, pool);
    closables.add('operator directory', () => auth.operators.close());
    const metrics = createMetrics();

    const projections = readModelProjections(config.shopTimeZone);
    const readModel = await startReadModel({
      // The projector's batches and the feed's resyncs are bounded by their own heartbeats and retries.
      pool: backgroundPool,
      eventStore,
      projections,
      projector: config.projector,
      onError: (error) => log.error({ err: error }, 'read model error'),
    });
    closables.add('read model', () => readModel.close());
    const orderCache = createOrderCache({
      db: pool,
      changeFeed: readModel.changeFeed,
      onError: (error) => log.error({ err: error }, 'order cache watch failed'),
    });
    closables.add('order cache', () => Promise.resolve(orderCache.close()));

    const garmentCatalog = createPostgresGarmentCatalog(pool);
    const idSecret =
      config.idSecret === undefined ? await loadInstallationSecret(pool) : Buffer.from(config.idSecret, 'utf8');
    const commands = withCommandMetrics(
      createOrderCommands({
        eventStore,
        references: createPostgresReferenceAllocator(pool),
        garments: garmentCatalog,
        idSecret,
      }),
      metrics,
    );
    // Simulated payments sign with the installation's secret, so every process and the CLI's `stripe send` agree.
    const devWebhookSecret = config.stripe ? undefined : await loadDevWebhookSecret(pool);
    const payments = setUpPayments({ config, eventStore, commands, pool, devWebhookSecret });
    // What the transports (REST, GraphQL over HTTP and WebSocket) place orders through: one budget per user for all three.
    const placing = withOrderCreationLimit(commands, config.rateLimits.orderCreation);
    const trackingLookups = createRateLimiter(config.rateLimits.trackingLookups);
    if (config.projector) {
      // Background work runs beside the projector, in the processes that take such work.
      const stopRefunds = new AbortController();
      const refunds = payments
        .runRefunds(stopRefunds.signal, log)
        .catch((error: unknown) => log.error({ err: error }, 'refund reactor stopped'));
      closables.add('refund reactor', async () => {
        stopRefunds.abort();
        await refunds;
      });
    }

    const projectionLag = async () => {
      const statuses = await projectionStatus({
        pool,
        eventStore,
        projections,
        lagEventsLimit: MAX_PROJECTION_LAG + 1,
        deadLetterLimit: 0,
      });
      return Math.max(0, ...statuses.map((status) => status.lagEvents));
    };
    const requestFeed = withWaitBound(readModel.changeFeed, config.readYourWritesTimeoutMs);

    return {
      config,
      pool,
      databaseUrl: database.url,
      embeddedDatabase: database.embedded,
      eventStore,
      auth,
      metrics,
      commands,
      readModel,
      orderCache,
      payments,
      appDeps: () => ({
        pool,
        eventStore,
        authenticator: auth.authenticator,
        metrics,
        garments: { list: () => listGarments(pool) },
        introspection: config.graphqlIntrospection,
        // Development only (a generated dev secret), and only on a loopback address: the dev
        // customer's token, never the operator's.
        ...(auth.devSecret && auth.key.kind === 'secret' && isLoopbackHost(config.host)
          ? {
              graphiqlHeaders: graphiqlDevHeaders({
                dataDir: config.dataDir,
                secret: auth.key.secret,
                audience: config.auth.audience,
                issuer: config.auth.issuer,
                maxLifetimeSeconds: config.auth.maxTokenLifetimeSeconds,
              }),
            }
          : {}),
        // REST and GraphQL serve the orders through one application made from these.
        orders: {
          commands: placing,
          readModel: { db: pool, changeFeed: requestFeed, orders: orderCache },
          checkout: payments.checkout,
          garments: garmentCatalog,
          eventStore,
          shopTimeZone: config.shopTimeZone,
          logError: (error, message) => log.error({ err: error }, message),
          publicBaseUrl: config.publicBaseUrl,
          // Per client address, found or not: a token is 192 random bits, but lookups still cost a read.
          limitTrackingLookup: ({ context }) =>
            trackingLookups.take(addressKey(context.clientAddress), 'tracking link lookups'),
        },
        apiDocs: { publicBaseUrl: config.publicBaseUrl },
        paymentEndpoints: payments.endpoints,
        projectionLag,
        maxProjectionLag: MAX_PROJECTION_LAG,
        payments: payments.simulated ? 'simulated' : 'stripe',
        pagesDir: DEFAULT_PAGES_DIR,
        logger: { level: config.logLevel },
        rateLimits: config.rateLimits,
        corsOrigins: config.corsOrigins,
        trustProxyHops: config.trustProxyHops,
        limits: { http: config.http, subscriptions: config.subscriptions },
      }),
      listening: (url) => payments.listening(url),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** GraphiQL's headers in development: the dev customer's token, minted afresh for each page. */
function graphiqlDevHeaders(options: Parameters<typeof devCustomerToken>[0]): () => Promise<string> {
  return async () => JSON.stringify({ Authorization: `Bearer ${await devCustomerToken(options)}` }, null, 2);
}

/**
 * The change feed as requests use it: a read-your-writes wait (a write's answer waiting for the
 * read model) never longer than READ_YOUR_WRITES_TIMEOUT_MS, whatever the caller asked, so a
 * stalled projector delays an answer by a bound the operator chose.
 */
function withWaitBound(feed: ChangeFeed, maxMs: number): ChangeFeed {
  return {
    subscribe: (listener, options) => feed.subscribe(listener, options),
    currentPosition: () => feed.currentPosition(),
    waitForPosition: (position, options = {}) =>
      feed.waitForPosition(position, { ...options, timeoutMs: Math.min(options.timeoutMs ?? maxMs, maxMs) }),
  };
}

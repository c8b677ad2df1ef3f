import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import type { Config } from '../config.ts';
import type { EventStore } from '../commands/eventStore.ts';
import {
  createOrderCommands,
  createPostgresGarmentCatalog,
  createPostgresReferenceAllocator,
  type OrderCommands,
} from '../commands/order/index.ts';
import { loadInstallationSecret } from '../db/installationSecret.ts';
import { migrate } from '../db/migrate.ts';
import type { AppDeps } from '../http/app.ts';
import { noTrackingLookupLimit, orderResolvers } from '../http/graphql/resolvers/orders/index.ts';
import { productionRoutes } from '../http/routes/production.ts';
import { apiDocsRoutes } from '../http/routes/productionDocs.ts';
import { setUpPayments, type Payments } from '../payments/setup.ts';
import { createOrderCache, listGarments, projectionStatus, startReadModel, type OrderCache, type ReadModel } from '../projections/index.ts';
import { setUpAuth, type AuthSetup } from './auth.ts';
import { Closables } from './closables.ts';
import { withCommandMetrics } from './commandMetrics.ts';
import { openDatabase } from './database.ts';
import { openEventStore } from './eventStore.ts';
import { createMetrics, type Metrics } from './metrics.ts';

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
    const database = await openDatabase(config, closables);
    const { pool } = database;
    const applied = await migrate(pool);
    if (applied.length > 0) log.info(`migrations applied: ${applied.join(', ')}`);
    const eventStore = await openEventStore(config, database.url, closables);
    const auth = await setUpAuth(config, pool);
    closables.add('operator directory', () => auth.operators.close());
    const metrics = createMetrics();

    const readModel = await startReadModel({
      pool,
      eventStore,
      projector: config.projector,
      onError: (error) => log.error({ err: error }, 'read model error'),
    });
    closables.add('read model', () => readModel.close());
    const orderCache = createOrderCache({ db: pool, changeFeed: readModel.changeFeed, onError: (error) => log.error({ err: error }, 'order cache watch failed') });
    closables.add('order cache', () => Promise.resolve(orderCache.close()));

    const garmentCatalog = createPostgresGarmentCatalog(pool);
    const idSecret = config.idSecret === undefined ? await loadInstallationSecret(pool) : Buffer.from(config.idSecret, 'utf8');
    const commands = withCommandMetrics(
      createOrderCommands({ eventStore, references: createPostgresReferenceAllocator(pool), garments: garmentCatalog, idSecret }),
      metrics,
    );
    const payments = setUpPayments({ config, eventStore, commands, pool });
    if (config.projector) {
      // Background work runs beside the projector, in the processes that take such work.
      const stopRefunds = new AbortController();
      const refunds = payments.runRefunds(stopRefunds.signal, log).catch((error: unknown) => log.error({ err: error }, 'refund reactor stopped'));
      closables.add('refund reactor', async () => {
        stopRefunds.abort();
        await refunds;
      });
    }

    const projectionLag = async () => {
      const [status] = await projectionStatus({ pool, eventStore, lagEventsLimit: MAX_PROJECTION_LAG + 1, deadLetterLimit: 0 });
      return status?.lagEvents;
    };
    const routes: FastifyPluginAsync[] = [
      // The OpenAPI document first: it describes the routes registered after it.
      apiDocsRoutes({ publicBaseUrl: config.publicBaseUrl }),
      ...payments.routes,
      productionRoutes({ commands, garments: garmentCatalog, checkout: payments.checkout, readModel: { db: pool, changeFeed: readModel.changeFeed, orders: orderCache } }),
    ];

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
        graphqlResolvers: orderResolvers({
          commands,
          readModel: { db: pool, changeFeed: readModel.changeFeed, orders: orderCache },
          checkout: payments.checkout,
          garments: garmentCatalog,
          eventStore,
          logError: (error, message) => log.error({ err: error }, message),
          publicBaseUrl: config.publicBaseUrl,
          // The one place a rate limit on lookups by public tracking token goes (none yet).
          limitTrackingLookup: noTrackingLookupLimit,
        }),
        projectionLag,
        maxProjectionLag: MAX_PROJECTION_LAG,
        payments: payments.simulated ? 'simulated' : 'stripe',
        routes,
        logger: { level: config.logLevel },
      }),
      listening: (url) => payments.listening(url),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

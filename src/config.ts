import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const optionalUrl = z.string().url().optional();
const onOff = z.enum(['on', 'off']);
/** A duration in milliseconds; 0 is not allowed: every wait here must have a bound. */
const ms = z.coerce.number().int().min(1).max(86_400_000);
const count = z.coerce.number().int().min(1).max(1_000_000);

const schema = z
  .object({
    PORT: port.default(4000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    EVENT_STORE: z.enum(['postgres', 'eventstoredb']).default('postgres'),
    EVENTSTORE_CONNECTION_STRING: z
      .string()
      .regex(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\//, 'must be an esdb:// or kurrentdb:// connection string')
      .optional(),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    AUTH_JWKS_URL: optionalUrl,
    AUTH_JWT_AUDIENCE: z.string().min(1).default('authenticated'),
    AUTH_JWT_ISSUER: z.string().min(1).optional(),
    STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key (sk_test_…, sk_live_…)').optional(),
    STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_/, 'must start with whsec_').optional(),
    STRIPE_API_BASE: optionalUrl,
    PUBLIC_BASE_URL: optionalUrl,
    PROJECTOR: onOff.default('on'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GRAPHQL_INTROSPECTION: onOff.default('on'),
    DATA_DIR: z.string().min(1).default('.data'),
    HTTP_REQUEST_TIMEOUT_MS: ms.default(30_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: ms.default(72_000),
    HTTP_MAX_CONNECTIONS: count.default(10_000),
    DATABASE_CONNECT_TIMEOUT_MS: ms.default(3000),
    DATABASE_STATEMENT_TIMEOUT_MS: ms.default(4000),
    DATABASE_QUERY_TIMEOUT_MS: ms.default(5000),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: ms.default(10_000),
    WS_IDLE_TIMEOUT_MS: ms.default(30_000),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: count.default(100),
    WS_MAX_SOCKETS_PER_USER: count.default(20),
    WS_MAX_SOCKETS: count.default(5000),
    SSE_MAX_STREAMS_PER_USER: count.default(20),
    SSE_MAX_STREAMS: count.default(5000),
    REBUILD_DROP_LOCK_TIMEOUT_MS: ms.default(5000),
    READ_YOUR_WRITES_TIMEOUT_MS: ms.default(5000),
  })
  .superRefine((env, ctx) => {
    if (env.EVENT_STORE === 'eventstoredb' && !env.EVENTSTORE_CONNECTION_STRING) {
      ctx.addIssue({ code: 'custom', path: ['EVENTSTORE_CONNECTION_STRING'], message: 'is required when EVENT_STORE=eventstoredb' });
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'is required when STRIPE_SECRET_KEY is set' });
    }
    if (env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: 'cannot be combined with AUTH_JWT_SECRET; choose one' });
    }
    if (env.DATABASE_QUERY_TIMEOUT_MS <= env.DATABASE_STATEMENT_TIMEOUT_MS) {
      // The server's own cancel (statement_timeout) must come first: it ends the statement cleanly
      // and keeps the connection; the client-side timeout is for a server that no longer answers.
      ctx.addIssue({ code: 'custom', path: ['DATABASE_QUERY_TIMEOUT_MS'], message: 'must be greater than DATABASE_STATEMENT_TIMEOUT_MS' });
    }
  });

/** The whole configuration, read from environment variables once at start and then frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Unset: the embedded PostgreSQL in `${dataDir}/postgres`. */
  readonly databaseUrl: string | undefined;
  readonly eventStore: { readonly kind: 'postgres' } | { readonly kind: 'eventstoredb'; readonly connectionString: string };
  readonly auth: {
    /** Unset (and no JWKS): a dev secret generated once into the data dir. */
    readonly jwtSecret: string | undefined;
    readonly jwksUrl: string | undefined;
    readonly audience: string;
    readonly issuer: string | undefined;
  };
  /** Unset: simulated payments through the same webhook route. */
  readonly stripe: { readonly secretKey: string; readonly webhookSecret: string; readonly apiBase: string | undefined } | undefined;
  readonly stripeApiBase: string | undefined;
  readonly publicBaseUrl: string;
  readonly projector: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly graphqlIntrospection: boolean;
  readonly dataDir: string;
  readonly http: HttpLimits;
  readonly database: DatabaseTimeouts;
  readonly subscriptions: SubscriptionLimits;
  /** How long a rebuild's drop of the switched-out tables waits for readers that still hold them; then they are left for the next rebuild. */
  readonly rebuildDropLockTimeoutMs: number;
  /** The longest a write's answer waits for the read model to show it (read-your-writes); then it answers with what the read model has. */
  readonly readYourWritesTimeoutMs: number;
}

/** How long an HTTP client may take, and how many may be connected at once. */
export interface HttpLimits {
  /** Receiving a whole request (headers and body); not the response, so SSE streams and upgraded WebSockets are not cut. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Connections over this are refused by the server socket (WebSockets and SSE streams count). */
  readonly maxConnections: number;
}

/** Bounds on the pools that serve requests (not on the projector, rebuild or leadership sessions). */
export interface DatabaseTimeouts {
  /** Waiting for a connection: a new one (a dead or frozen server) or a free one (a full pool). */
  readonly connectTimeoutMs: number;
  /** The server cancels a statement that runs longer (`statement_timeout`). */
  readonly statementTimeoutMs: number;
  /** The client gives up on a query the server does not answer (frozen, half-open); above the statement timeout. */
  readonly queryTimeoutMs: number;
  /** The server ends a session left idle inside a transaction (`idle_in_transaction_session_timeout`). */
  readonly idleInTransactionTimeoutMs: number;
}

/** Caps on live subscriptions and the sockets and streams that carry them. */
export interface SubscriptionLimits {
  /** An anonymous WebSocket holding no subscription is closed after this. */
  readonly wsIdleTimeoutMs: number;
  readonly wsMaxSubscriptionsPerSocket: number;
  readonly wsMaxSocketsPerUser: number;
  readonly wsMaxSockets: number;
  readonly sseMaxStreamsPerUser: number;
  readonly sseMaxStreams: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and checks the environment; throws a {@link ConfigError} listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
  }
  const e = parsed.data;
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    eventStore:
      e.EVENT_STORE === 'eventstoredb'
        ? { kind: 'eventstoredb', connectionString: e.EVENTSTORE_CONNECTION_STRING ?? '' }
        : { kind: 'postgres' },
    auth: { jwtSecret: e.AUTH_JWT_SECRET, jwksUrl: e.AUTH_JWKS_URL, audience: e.AUTH_JWT_AUDIENCE, issuer: e.AUTH_JWT_ISSUER },
    stripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBase: e.STRIPE_API_BASE }
        : undefined,
    stripeApiBase: e.STRIPE_API_BASE,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    projector: e.PROJECTOR === 'on',
    logLevel: e.LOG_LEVEL,
    graphqlIntrospection: e.GRAPHQL_INTROSPECTION === 'on',
    dataDir: e.DATA_DIR,
    http: { requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS, maxConnections: e.HTTP_MAX_CONNECTIONS },
    database: {
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      queryTimeoutMs: e.DATABASE_QUERY_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    subscriptions: {
      wsIdleTimeoutMs: e.WS_IDLE_TIMEOUT_MS,
      wsMaxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      wsMaxSocketsPerUser: e.WS_MAX_SOCKETS_PER_USER,
      wsMaxSockets: e.WS_MAX_SOCKETS,
      sseMaxStreamsPerUser: e.SSE_MAX_STREAMS_PER_USER,
      sseMaxStreams: e.SSE_MAX_STREAMS,
    },
    rebuildDropLockTimeoutMs: e.REBUILD_DROP_LOCK_TIMEOUT_MS,
    readYourWritesTimeoutMs: e.READ_YOUR_WRITES_TIMEOUT_MS,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

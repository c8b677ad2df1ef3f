import { isIP } from 'node:net';
import { z } from 'zod';
import { isTimeZone } from './projections/metrics/zone.ts';

const port = z.coerce.number().int().min(0).max(65_535);
const optionalUrl = z.string().url().optional();
const onOff = z.enum(['on', 'off']);
/** A rate limit's budget: how many in one window; 0 turns that limit off. */
const budget = z.coerce.number().int().min(0);
const windowSeconds = z.coerce.number().int().min(1).max(86_400);
/** `https://shop.example.com,http://localhost:5173`: exact origins (scheme, host, port), no paths, no `null`. */
const origins = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().refine((item) => {
        try {
          const url = new URL(item);
          return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === item.replace(/\/$/, '');
        } catch {
          return false;
        }
      }, 'each origin must be scheme://host[:port], without a path'),
    ),
  );
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
    AUTH_MAX_TOKEN_LIFETIME: z.coerce
      .number()
      .int()
      .min(60, 'must be at least 60 (seconds)')
      .max(366 * 24 * 3600, 'must be at most a year (in seconds)')
      .default(24 * 3600),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key (sk_test_…, sk_live_…)')
      .optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_/, 'must start with whsec_')
      .optional(),
    STRIPE_API_BASE: optionalUrl,
    PAYMENTS: z.enum(['stripe', 'simulated']).optional(),
    ID_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    PUBLIC_BASE_URL: optionalUrl,
    PROJECTOR: onOff.default('on'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GRAPHQL_INTROSPECTION: onOff.default('on'),
    DATA_DIR: z.string().min(1).default('.data'),
    // Sized for a real shop: a customer places a few orders a minute at most; operators may
    // place many for customers, so they get their own, larger budget.
    RATE_LIMIT_ORDERS_PER_CUSTOMER: budget.default(20),
    RATE_LIMIT_ORDERS_PER_OPERATOR: budget.default(600),
    RATE_LIMIT_ORDERS_WINDOW_SECONDS: windowSeconds.default(60),
    // Failures only: a signed-in client never spends this budget.
    RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: budget.default(100),
    RATE_LIMIT_AUTH_FAILURES_WINDOW_SECONDS: windowSeconds.default(60),
    RATE_LIMIT_WEBHOOK_FAILURES_PER_ADDRESS: budget.default(60),
    RATE_LIMIT_WEBHOOK_FAILURES_WINDOW_SECONDS: windowSeconds.default(60),
    // A tracking page loads once and then follows live: a few lookups a minute per reader, more
    // for an office behind one address; guessing tokens needs billions.
    RATE_LIMIT_TRACKING_LOOKUPS_PER_ADDRESS: budget.default(120),
    RATE_LIMIT_TRACKING_LOOKUPS_WINDOW_SECONDS: windowSeconds.default(60),
    CORS_ORIGINS: origins.default([]),
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
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
    // The shop's days and weeks (its figures): an IANA name, e.g. America/Denver.
    SHOP_TIME_ZONE: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone name, e.g. Europe/Paris or America/New_York')
      .default('UTC'),
  })
  // The cross-field checks run even when other variables are bad (`when`), so one start lists every
  // problem at once. A field that failed to parse may then hold its raw input (or nothing): each
  // check below only compares values it can read, and says nothing about the rest.
  .superRefine(
    (env, ctx) => {
      if (env.EVENT_STORE === 'eventstoredb' && !env.EVENTSTORE_CONNECTION_STRING) {
        ctx.addIssue({
          code: 'custom',
          path: ['EVENTSTORE_CONNECTION_STRING'],
          message: 'is required when EVENT_STORE=eventstoredb',
        });
      }
      if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['STRIPE_WEBHOOK_SECRET'],
          message: 'is required when STRIPE_SECRET_KEY is set',
        });
      }
      for (const problem of paymentProblems(env)) ctx.addIssue({ code: 'custom', ...problem });
      if (env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL) {
        ctx.addIssue({
          code: 'custom',
          path: ['AUTH_JWKS_URL'],
          message: 'cannot be combined with AUTH_JWT_SECRET; choose one',
        });
      }
      if (
        typeof env.DATABASE_QUERY_TIMEOUT_MS === 'number' &&
        typeof env.DATABASE_STATEMENT_TIMEOUT_MS === 'number' &&
        env.DATABASE_QUERY_TIMEOUT_MS <= env.DATABASE_STATEMENT_TIMEOUT_MS
      ) {
        // The server's own cancel (statement_timeout) must come first: it ends the statement cleanly
        // and keeps the connection; the client-side timeout is for a server that no longer answers.
        ctx.addIssue({
          code: 'custom',
          path: ['DATABASE_QUERY_TIMEOUT_MS'],
          message: 'must be greater than DATABASE_STATEMENT_TIMEOUT_MS',
        });
      }
    },
    { when: () => true },
  )
  // Only the generated dev secret goes without: tokens from a real identity provider name it.
  // Checked even when other variables are bad (`when`), so it is listed with them.
  .refine((env) => !((env.AUTH_JWT_SECRET || env.AUTH_JWKS_URL) && !env.AUTH_JWT_ISSUER), {
    path: ['AUTH_JWT_ISSUER'],
    message:
      'is required with AUTH_JWT_SECRET or AUTH_JWKS_URL (the tokens\' "iss", e.g. https://<project>.supabase.co/auth/v1)',
    when: () => true,
  });

/**
 * 127.0.0.0/8, ::1 (also as an IPv4-mapped address) and `localhost`: a server listening only
 * there is reachable from this machine alone.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  const v4 = /^(?:::ffff:)?(\d+)\.\d+\.\d+\.\d+$/.exec(bare);
  if (v4 && isIP(bare.replace(/^::ffff:/, '')) === 4) return v4[1] === '127';
  if (isIP(bare) !== 6) return false;
  // Expand `::` to compare every group: `::1` and `0:0:0:0:0:0:0:1` are the same address.
  const [head = '', tail] = bare.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.length === 8 && all.slice(0, 7).every((g) => g === 0) && all[7] === 1;
}

/**
 * Payments are chosen, never fallen into: with no Stripe key a server reachable from other
 * machines would otherwise take orders that anyone can mark paid for free.
 */
function paymentProblems(env: {
  readonly HOST: string;
  readonly PAYMENTS?: 'stripe' | 'simulated' | undefined;
  readonly STRIPE_SECRET_KEY?: string | undefined;
  readonly STRIPE_WEBHOOK_SECRET?: string | undefined;
}): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  if (env.PAYMENTS === 'stripe' && !env.STRIPE_SECRET_KEY)
    problems.push({ path: ['STRIPE_SECRET_KEY'], message: 'is required when PAYMENTS=stripe' });
  if (env.PAYMENTS === 'simulated' && env.STRIPE_SECRET_KEY) {
    problems.push({
      path: ['PAYMENTS'],
      message:
        'is simulated but STRIPE_SECRET_KEY is set; unset one of them (PAYMENTS=stripe, or no key, to say which)',
    });
  }
  if (env.STRIPE_WEBHOOK_SECRET && !env.STRIPE_SECRET_KEY) {
    problems.push({
      path: ['STRIPE_WEBHOOK_SECRET'],
      message: 'is set without STRIPE_SECRET_KEY; set both for Stripe, or neither',
    });
  }
  if (
    env.PAYMENTS === undefined &&
    !env.STRIPE_SECRET_KEY &&
    typeof env.HOST === 'string' &&
    !isLoopbackHost(env.HOST)
  ) {
    problems.push({
      path: ['PAYMENTS'],
      message: `HOST ${env.HOST} is not a loopback address and STRIPE_SECRET_KEY is unset: set the Stripe keys, or PAYMENTS=simulated to run payments that move no money on purpose`,
    });
  }
  return problems;
}

/** The whole configuration, read from environment variables once at start and then frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Unset: the embedded PostgreSQL in `${dataDir}/postgres`. */
  readonly databaseUrl: string | undefined;
  readonly eventStore:
    { readonly kind: 'postgres' } | { readonly kind: 'eventstoredb'; readonly connectionString: string };
  readonly auth: {
    /** Unset (and no JWKS): a dev secret generated once into the data dir. */
    readonly jwtSecret: string | undefined;
    readonly jwksUrl: string | undefined;
    readonly audience: string;
    /** Required unless the dev secret is generated (no jwtSecret, no jwksUrl). */
    readonly issuer: string | undefined;
    /** AUTH_MAX_TOKEN_LIFETIME: tokens living longer (`exp` further than this from now or from `iat`) are refused. */
    readonly maxTokenLifetimeSeconds: number;
  };
  /**
   * How money moves (`PAYMENTS`): `stripe`, or `simulated` (our own checkout page, no money). Default:
   * `stripe` with a `STRIPE_SECRET_KEY`, else `simulated` on a loopback `HOST` only.
   */
  readonly payments: 'stripe' | 'simulated';
  /** Set exactly when `payments` is `stripe`. */
  readonly stripe:
    { readonly secretKey: string; readonly webhookSecret: string; readonly apiBase: string | undefined } | undefined;
  readonly stripeApiBase: string | undefined;
  readonly publicBaseUrl: string;
  readonly projector: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly graphqlIntrospection: boolean;
  readonly dataDir: string;
  /**
   * `ID_SECRET`: keys the order ids derived from idempotency keys. Unset: the installation's secret,
   * made once in the database (`installation_secrets`) and shared by every process using it.
   */
  readonly idSecret: string | undefined;
  readonly rateLimits: RateLimits;
  /** Other origins whose pages may call this API from a browser (CORS); empty: same origin only. */
  readonly corsOrigins: readonly string[];
  /**
   * Reverse proxies in front of the server whose `X-Forwarded-For` is trusted for the client
   * address (rate limits per address, logs); 0: the connection's own address.
   */
  readonly trustProxyHops: number;
  readonly http: HttpLimits;
  readonly database: DatabaseTimeouts;
  readonly subscriptions: SubscriptionLimits;
  /** How long a rebuild's drop of the switched-out tables waits for readers that still hold them; then they are left for the next rebuild. */
  readonly rebuildDropLockTimeoutMs: number;
  /** The longest a write's answer waits for the read model to show it (read-your-writes); then it answers with what the read model has. */
  readonly readYourWritesTimeoutMs: number;
  /**
   * `SHOP_TIME_ZONE`: where the shop's days and weeks are counted (throughput per day, on-time
   * rate per week). The metric rows keep the days they were written with: after a change,
   * rebuild the metrics projection.
   */
  readonly shopTimeZone: string;
}

/** At most `max` in any `windowMs`; `max` 0: no limit. */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

export interface RateLimits {
  /** Order creations per user, whichever transport (REST, GraphQL over HTTP or WebSocket). */
  readonly orderCreation: { readonly customer: RateLimit; readonly operator: RateLimit };
  /** Failed authentications (bad, expired, wrongly signed tokens) per client address. */
  readonly authFailures: RateLimit;
  /** Stripe webhook deliveries whose signature fails, per client address. */
  readonly webhookFailures: RateLimit;
  /** Lookups by public tracking token (`trackOrder`, `trackedOrderUpdated`), per client address, found or not. */
  readonly trackingLookups: RateLimit;
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
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET,
      jwksUrl: e.AUTH_JWKS_URL,
      audience: e.AUTH_JWT_AUDIENCE,
      issuer: e.AUTH_JWT_ISSUER,
      maxTokenLifetimeSeconds: e.AUTH_MAX_TOKEN_LIFETIME,
    },
    stripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBase: e.STRIPE_API_BASE }
        : undefined,
    payments: e.STRIPE_SECRET_KEY ? 'stripe' : 'simulated',
    stripeApiBase: e.STRIPE_API_BASE,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(
      /\/$/,
      '',
    ),
    projector: e.PROJECTOR === 'on',
    logLevel: e.LOG_LEVEL,
    graphqlIntrospection: e.GRAPHQL_INTROSPECTION === 'on',
    dataDir: e.DATA_DIR,
    idSecret: e.ID_SECRET,
    rateLimits: {
      orderCreation: {
        customer: { max: e.RATE_LIMIT_ORDERS_PER_CUSTOMER, windowMs: e.RATE_LIMIT_ORDERS_WINDOW_SECONDS * 1000 },
        operator: { max: e.RATE_LIMIT_ORDERS_PER_OPERATOR, windowMs: e.RATE_LIMIT_ORDERS_WINDOW_SECONDS * 1000 },
      },
      authFailures: {
        max: e.RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS,
        windowMs: e.RATE_LIMIT_AUTH_FAILURES_WINDOW_SECONDS * 1000,
      },
      webhookFailures: {
        max: e.RATE_LIMIT_WEBHOOK_FAILURES_PER_ADDRESS,
        windowMs: e.RATE_LIMIT_WEBHOOK_FAILURES_WINDOW_SECONDS * 1000,
      },
      trackingLookups: {
        max: e.RATE_LIMIT_TRACKING_LOOKUPS_PER_ADDRESS,
        windowMs: e.RATE_LIMIT_TRACKING_LOOKUPS_WINDOW_SECONDS * 1000,
      },
    },
    corsOrigins: e.CORS_ORIGINS.map((origin) => new URL(origin).origin),
    trustProxyHops: e.TRUST_PROXY_HOPS,
    http: {
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
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
    shopTimeZone: e.SHOP_TIME_ZONE,
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

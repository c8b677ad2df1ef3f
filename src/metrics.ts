import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isAppError } from './domain/errors.ts';

/** What the command layer reports: one call per handled command. */
export interface CommandMetrics {
  /** `outcome`: `ok`, `duplicate` (idempotent repeat), an error code such as `VERSION_CONFLICT`, or `error`. */
  commandHandled(type: string, outcome: string, seconds: number): void;
}

/**
 * The process's Prometheus metrics, one registry per app (no global singletons, so tests can
 * build several apps in one process).
 */
export interface Metrics extends CommandMetrics {
  readonly registry: Registry;
  requestHandled(route: string, method: string, statusCode: number, seconds: number): void;
  /** Counts one open subscription; call the returned function once when it ends. */
  subscriptionOpened(transport: 'sse' | 'ws' | 'http'): () => void;
  /** Counts one GraphQL query answered by the direct path (fastQueries) rather than through yoga. */
  graphqlAnsweredDirectly(): void;
  /** Where the projection-lag gauge reads from at scrape time (the projector's status). */
  setProjectionLagSource(source: () => Promise<number | undefined>): void;
}

export function createMetrics(options: { readonly defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const requestSeconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const commands = new Counter({
    name: 'commands_total',
    help: 'Commands handled, by command type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const commandSeconds = new Histogram({
    name: 'command_duration_seconds',
    help: 'Command handling time (load, decide, append), by command type',
    labelNames: ['type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const subscriptions = new Gauge({
    name: 'graphql_active_subscriptions',
    help: 'GraphQL subscriptions currently open, by transport',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  const directAnswers = new Counter({
    name: 'graphql_direct_answers_total',
    help: "GraphQL queries POSTed as JSON and answered without yoga's fetch layer; every other GraphQL request goes through yoga",
    registers: [registry],
  });
  let lagSource: (() => Promise<number | undefined>) | undefined;
  new Gauge({
    name: 'projection_lag_events',
    help: 'Events stored but not yet applied to the read model (-1 when unknown)',
    registers: [registry],
    async collect() {
      // A failing status read must not fail the whole scrape: report unknown instead.
      const lag = lagSource ? await lagSource().catch(() => undefined) : undefined;
      this.set(lag ?? -1);
    },
  });

  return {
    registry,
    requestHandled(route, method, statusCode, seconds) {
      requestSeconds.observe({ route, method, status_code: String(statusCode) }, seconds);
    },
    commandHandled(type, outcome, seconds) {
      commands.inc({ type, outcome });
      commandSeconds.observe({ type }, seconds);
    },
    subscriptionOpened(transport) {
      subscriptions.inc({ transport });
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        subscriptions.dec({ transport });
      };
    },
    graphqlAnsweredDirectly() {
      directAnswers.inc();
    },
    setProjectionLagSource(source) {
      lagSource = source;
    },
  };
}

/**
 * Runs one command and reports it: the outcome is `outcome(result)` (default `ok`), the AppError
 * code, or `error`.
 */
export async function measureCommand<T>(
  metrics: CommandMetrics | undefined,
  type: string,
  run: () => Promise<T>,
  outcome: (result: T) => string = () => 'ok',
): Promise<T> {
  const started = performance.now();
  try {
    const result = await run();
    metrics?.commandHandled(type, outcome(result), (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    metrics?.commandHandled(type, isAppError(error) ? error.code : 'error', (performance.now() - started) / 1000);
    throw error;
  }
}

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
  /** Where the shop-floor gauges (work in progress, at risk, overdue per stage) read from at scrape time. */
  setStageFiguresSource(source: () => Promise<readonly StageGaugeFigures[]>): void;
}

/** One stage's figures as the shop-floor gauges export them (`held`: the orders on hold, apart). */
export interface StageGaugeFigures {
  readonly stage: string;
  readonly held: boolean;
  readonly count: number;
  readonly atRisk: number;
  readonly overdue: number;
}

/** A scrape waits at most this long for the stage figures, then exports the last ones it had (or none). */
export const STAGE_FIGURES_WAIT_MS = 1000;
/** Figures this fresh are exported again without a new read: one read serves a burst of scrapes. */
export const STAGE_FIGURES_FRESH_MS = 1000;

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

  const stageGauges = stageFigureGauges(registry);

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
    setStageFiguresSource(source) {
      stageGauges.setSource(source);
    },
  };
}

/**
 * The shop floor at scrape time: orders, at-risk and overdue orders per work-in-progress stage
 * (from the board's own read, so the gauges and the board never disagree). One read at a time
 * serves every gauge of a scrape and the scrapes of the next second; a read slower than
 * {@link STAGE_FIGURES_WAIT_MS} leaves the scrape with the last figures (none at first), so a
 * slow database never hangs `/metrics`.
 */
function stageFigureGauges(registry: Registry) {
  let source: (() => Promise<readonly StageGaugeFigures[]>) | undefined;
  let last: { readonly at: number; readonly figures: readonly StageGaugeFigures[] } | undefined;
  let reading: Promise<void> | undefined;
  const read = (): Promise<void> => {
    if (!source || (last && performance.now() - last.at < STAGE_FIGURES_FRESH_MS)) return Promise.resolve();
    reading ??= source()
      .then((figures) => {
        last = { at: performance.now(), figures };
      })
      // A failed read keeps the last figures: the lag gauge and readiness say when the database is gone.
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STAGE_FIGURES_WAIT_MS);
    });
    return Promise.race([reading, waited]).finally(() => clearTimeout(timer));
  };
  const gauge = (name: string, help: string, value: (figures: StageGaugeFigures) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['stage', 'on_hold'] as const,
      registers: [registry],
      async collect() {
        await read();
        this.reset();
        for (const figures of last?.figures ?? [])
          this.set({ stage: figures.stage, on_hold: String(figures.held) }, value(figures));
      },
    });
  gauge(
    'shop_work_in_progress_orders',
    'Orders in each production stage (queued, printing, finishing), those on hold apart',
    (figures) => figures.count,
  );
  gauge(
    'shop_at_risk_orders',
    'Orders with less than a quarter of their promise left, not yet overdue, per stage',
    (figures) => figures.atRisk,
  );
  gauge('shop_overdue_orders', 'Orders past their ETA, per stage', (figures) => figures.overdue);
  return {
    setSource(next: () => Promise<readonly StageGaugeFigures[]>) {
      source = next;
      last = undefined;
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

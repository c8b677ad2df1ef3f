import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import type { EventStore } from '../../eventstore/eventStore.ts';
import type { Config } from '../../config.ts';

export interface ReadinessDeps {
  readonly pool: Pick<pg.Pool, 'query'>;
  readonly eventStore: Pick<EventStore, 'headPosition'>;
  /** Events stored but not yet in the read model; undefined when unknown (no projector status yet). */
  readonly projectionLag?: () => Promise<number | undefined>;
  /** Above this many events behind, the read model is too stale to serve: not ready. */
  readonly maxProjectionLag?: number;
  /** Each check must answer within this, else it counts as failed (a hung database is not ready). */
  readonly timeoutMs?: number;
  /** Which payments run, reported as `payments` so nobody mistakes a simulated server for a real one. */
  readonly payments?: Config['payments'];
}

interface CheckResult {
  readonly ok: boolean;
  readonly ms: number;
  readonly detail?: string;
  readonly lagEvents?: number;
}

/** `/healthz`: the process is alive. `/readyz`: it can serve (database, event store, projection lag). */
export const healthRoutes: FastifyPluginAsync<ReadinessDeps> = (app, deps) => {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const maxLag = deps.maxProjectionLag ?? 10_000;
  // Probes come every few seconds: their request lines would drown the log at the default level.
  const noAuth = { config: { authenticate: false }, logLevel: 'warn' } as const;

  app.get('/healthz', noAuth, () => ({ status: 'ok' }));

  app.get('/readyz', noAuth, async (_request, reply) => {
    const checks: Record<string, CheckResult> = {
      database: await check(timeoutMs, async () => {
        await deps.pool.query('select 1');
      }),
      eventStore: await check(timeoutMs, async () => {
        await deps.eventStore.headPosition();
      }),
    };
    if (deps.projectionLag) {
      const source = deps.projectionLag;
      let lag: number | undefined;
      const result = await check(timeoutMs, async () => {
        lag = await source();
        if (lag !== undefined && lag > maxLag) throw new Error(`read model is ${lag} events behind (limit ${maxLag})`);
      });
      checks.projector = lag === undefined ? result : { ...result, lagEvents: lag };
    }
    const ready = Object.values(checks).every((c) => c.ok);
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      ...(deps.payments === undefined ? {} : { payments: deps.payments }),
      checks,
    });
  });
  return Promise.resolve();
};

async function check(timeoutMs: number, run: () => Promise<void>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: elapsed(started) };
  } catch (error) {
    return { ok: false, ms: elapsed(started), detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;

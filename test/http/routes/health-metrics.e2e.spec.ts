import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureCommand } from '../../../src/metrics.ts';
import { AppError } from '../../../src/domain/errors.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { graphql, type RunningApp, startApp } from '../../support/http.ts';

describe('health, readiness and metrics', () => {
  let db: TestDatabase;
  let healthy: RunningApp;
  let lag = 0;
  beforeAll(async () => {
    db = await createTestDatabase();
    healthy = await startApp({ pool: db.pool, projectionLag: () => Promise.resolve(lag), maxProjectionLag: 100 });
  });
  afterAll(async () => {
    await healthy.close();
    await db.close();
  });

  it('is alive', async () => {
    const response = await fetch(`${healthy.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the database answers, the event store answers and the projector keeps up', async () => {
    lag = 3;
    const response = await fetch(`${healthy.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ready',
      checks: { database: { ok: true }, eventStore: { ok: true }, projector: { ok: true, lagEvents: 3 } },
    });
  });

  it('is not ready while the projector lags beyond the limit', async () => {
    lag = 101;
    const response = await fetch(`${healthy.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: 'unavailable',
      checks: { projector: { ok: false, lagEvents: 101 } },
    });
    lag = 0;
  });

  it('is not ready when the event store fails or hangs', async () => {
    const failing = await startApp({
      pool: db.pool,
      eventStore: { headPosition: () => Promise.reject(new Error('connection refused')) },
    });
    const hanging = await startApp({ pool: db.pool, eventStore: { headPosition: () => new Promise(() => undefined) } });
    try {
      const refused = await fetch(`${failing.url}/readyz`);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({
        checks: { database: { ok: true }, eventStore: { ok: false, detail: 'connection refused' } },
      });
      const silent = await fetch(`${hanging.url}/readyz`);
      expect(silent.status).toBe(503);
      expect(await silent.json()).toMatchObject({
        checks: { eventStore: { ok: false, detail: 'no answer within 2000 ms' } },
      });
    } finally {
      await failing.close();
      await hanging.close();
    }
  });

  it('exports request latency by route pattern, commands by type and outcome, and projection lag', async () => {
    lag = 7;
    await graphql(healthy.url, '{ routeStops { id } }');
    await fetch(`${healthy.url}/no/such/route/123`);
    await measureCommand(healthy.metrics, 'ApproveSpec', () => Promise.resolve('done'));
    await measureCommand(healthy.metrics, 'ApproveSpec', () =>
      Promise.reject(new AppError('ORDER_ON_HOLD', 'on hold')),
    ).catch(() => undefined);
    const response = await fetch(`${healthy.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{route="\/graphql",method="POST",status_code="200"\} [1-9]/,
    );
    expect(text).toMatch(/http_request_duration_seconds_count\{route="unmatched",method="GET",status_code="404"\} 1/);
    expect(text).not.toContain('/no/such/route');
    expect(text).toContain('commands_total{type="ApproveSpec",outcome="ok"} 1');
    expect(text).toContain('commands_total{type="ApproveSpec",outcome="ORDER_ON_HOLD"} 1');
    expect(text).toContain('projection_lag_events 7');
    expect(text).toContain('# TYPE graphql_active_subscriptions gauge');
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderStreamId } from '../../../src/domain/order/events.ts';
import { ORDERS } from '../../projections/metrics/history.ts';
import { graphql } from '../../support/http.ts';
import { openStack, type Stack } from '../../support/stack.ts';
import { newId } from '../../support/http.ts';
import { waitUntilCaughtUp } from '../../projections/support.ts';

const HOUR_MS = 3_600_000;
const SHOP_METRICS = `query ($from: String!, $to: String!, $priority: Priority, $technique: Technique) {
  shopMetrics(from: $from, to: $to, priority: $priority, technique: $technique) {
    from to
    stages { day stage entered enteredGarments inProgress inProgressGarments }
    leadTimes {
      byPriority { priority technique completed p50Minutes p90Minutes }
      byTechnique { priority technique completed p50Minutes p90Minutes }
    }
    onTime { weekStart completed onTime rate }
    holds { started ended heldMs topReasons { reason holds heldMs } }
  }
}`;
const WEEK = { from: '2025-03-03', to: '2025-03-10' };

interface StageDay {
  day: string;
  stage: string;
  entered: number;
  inProgress: number | null;
}

describe('shopMetrics over GraphQL', () => {
  let fx: Stack;
  let customer: string;

  beforeAll(async () => {
    fx = await openStack();
    customer = await fx.token(newId());
    // The seeded week of the metric tests (test/projections/metrics/history.ts), its events
    // appended with their own times: the figures are worked out by hand there, and here folded by
    // the running projector and read through the whole HTTP stack.
    const { eventStore } = fx.first.runtime;
    for (const events of Object.values(ORDERS)) {
      const stored = events.map(({ type, ...data }) => ({ id: randomUUID(), type, data }));
      await eventStore.appendToStream(orderStreamId(events[0]!.orderId), stored, { expectedVersion: 'no_stream' });
    }
    // Every event of the week folded by the metrics projection (its checkpoint at the store's head).
    await waitUntilCaughtUp(fx.db.pool, undefined, 30_000, 'metrics');
  });
  afterAll(() => fx?.close());

  const ask = (token: string | undefined, variables: Record<string, unknown>) =>
    graphql(fx.servers[0]!.url, SHOP_METRICS, { ...(token ? { token } : {}), variables });

  it("answers an operator the seeded week's figures, as worked out by hand", async () => {
    const { status, body } = await ask(fx.operator, WEEK);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const metrics = body.data.shopMetrics;
    expect([metrics.from, metrics.to]).toEqual([WEEK.from, WEEK.to]);
    const stages = metrics.stages as StageDay[];
    expect(stages).toHaveLength(8 * 5);
    const column = (stage: string, pick: (row: StageDay) => number | null) =>
      stages.filter((row) => row.stage === stage).map(pick);
    // Paid: A, B, C on Monday; D on Tuesday; E on Thursday.
    expect(column('QUEUED', (row) => row.entered)).toEqual([3, 1, 0, 1, 0, 0, 0, 0]);
    expect(column('PRINTING', (row) => row.inProgress)).toEqual([1, 2, 2, 1, 0, 0, 0, 0]);
    expect(column('READY', (row) => row.inProgress)).toEqual(Array(8).fill(null));
    expect(stages.slice(0, 5).map((row) => row.stage)).toEqual([
      'SPEC_REVIEW',
      'QUEUED',
      'PRINTING',
      'FINISHING',
      'READY',
    ]);
    // Lead times: A 36 h, D 51 h (rush); C 5 d 12 h, B 7 d 2 h (standard).
    expect(metrics.leadTimes.byPriority).toEqual([
      { priority: null, technique: null, completed: 4, p50Minutes: 3060, p90Minutes: 10_200 },
      { priority: 'RUSH', technique: null, completed: 2, p50Minutes: 2160, p90Minutes: 3060 },
      { priority: 'STANDARD', technique: null, completed: 2, p50Minutes: 7920, p90Minutes: 10_200 },
    ]);
    expect(metrics.leadTimes.byTechnique).toEqual([
      { priority: null, technique: 'DTG', completed: 2, p50Minutes: 2160, p90Minutes: 10_200 },
      { priority: null, technique: 'EMBROIDERY', completed: 1, p50Minutes: 7920, p90Minutes: 7920 },
      { priority: null, technique: 'SCREEN', completed: 2, p50Minutes: 3060, p90Minutes: 10_200 },
    ]);
    expect(metrics.onTime).toEqual([
      { weekStart: '2025-03-03', completed: 3, onTime: 3, rate: 1 },
      { weekStart: '2025-03-10', completed: 1, onTime: 0, rate: 0 },
    ]);
    expect(metrics.holds).toEqual({
      started: 3,
      ended: 3,
      heldMs: 42 * HOUR_MS,
      topReasons: [
        { reason: 'Artwork unclear', holds: 1, heldMs: 24 * HOUR_MS },
        { reason: 'Awaiting proof', holds: 1, heldMs: 6 * HOUR_MS },
        { reason: 'Customer asked to wait', holds: 1, heldMs: 12 * HOUR_MS },
      ],
    });
  });

  it('narrows to a priority and a technique, given as the schema enums', async () => {
    const rush = (await ask(fx.operator, { ...WEEK, priority: 'RUSH' })).body.data.shopMetrics;
    expect(rush.leadTimes.byTechnique).toEqual([
      { priority: null, technique: 'DTG', completed: 1, p50Minutes: 2160, p90Minutes: 2160 },
      { priority: null, technique: 'SCREEN', completed: 1, p50Minutes: 3060, p90Minutes: 3060 },
    ]);
    const embroidery = (await ask(fx.operator, { ...WEEK, technique: 'EMBROIDERY' })).body.data.shopMetrics;
    expect(embroidery.onTime).toEqual([{ weekStart: '2025-03-03', completed: 1, onTime: 1, rate: 1 }]);
    expect(embroidery.holds).toMatchObject({ started: 1, heldMs: 24 * HOUR_MS });
  });

  it('refuses a customer (FORBIDDEN) and a stranger (UNAUTHENTICATED) with no figure, even for a bad filter', async () => {
    for (const variables of [WEEK, { from: 'yesterday', to: '2025-03-10' }]) {
      const { body } = await ask(customer, variables);
      expect(body.data).toBeNull();
      expect(body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
    }
    const { body } = await ask(undefined, WEEK);
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it("tells an operator the shop's calendar: UTC by default, and today there", async () => {
    const before = new Date().toISOString().slice(0, 10);
    const { body } = await graphql(fx.servers[0]!.url, '{ shopCalendar { timeZone today } }', { token: fx.operator });
    expect(body.errors).toBeUndefined();
    expect(body.data.shopCalendar.timeZone).toBe('UTC');
    expect([before, new Date().toISOString().slice(0, 10)]).toContain(body.data.shopCalendar.today);
    const refused = await graphql(fx.servers[0]!.url, '{ shopCalendar { today } }', { token: customer });
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('refuses bad dates and a period too long as BAD_USER_INPUT naming each problem', async () => {
    const bad = (await ask(fx.operator, { from: '2025-02-30', to: '03/10/2025' })).body;
    expect(bad.data).toBeNull();
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors[0].extensions.fields).toEqual([
      { path: 'from', message: 'must be a date (YYYY-MM-DD)' },
      { path: 'to', message: 'must be a date (YYYY-MM-DD)' },
    ]);
    const long = (await ask(fx.operator, { from: '2024-01-01', to: '2025-03-03' })).body;
    expect(long.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ path: 'to', message: 'must be at most 366 days after from' }],
    });
    const backwards = (await ask(fx.operator, { from: '2025-03-10', to: '2025-03-03' })).body;
    expect(backwards.errors[0].extensions.fields).toEqual([{ path: 'to', message: 'must not be before from' }]);
  });

  it('refuses an unknown technique or priority as BAD_USER_INPUT, one error each', async () => {
    const { body } = await ask(fx.operator, { ...WEEK, technique: 'VINYL', priority: 'URGENT' });
    expect(body.data).toBeUndefined();
    expect(
      body.errors.map((e: { message: string; extensions: { code: string } }) => [e.extensions.code, e.message]),
    ).toEqual([
      ['BAD_USER_INPUT', 'Variable "$priority" got invalid value "URGENT"; Expected type Priority.'],
      ['BAD_USER_INPUT', 'Variable "$technique" got invalid value "VINYL"; Expected type Technique.'],
    ]);
  });
});

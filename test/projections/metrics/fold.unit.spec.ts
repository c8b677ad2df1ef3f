import { describe, expect, it } from 'vitest';
import {
  foldMetricsBatch,
  rebuildMetricRows,
  type StoredMetricsState,
} from '../../../src/projections/metrics/batch.ts';
import {
  addCounts,
  COMPLETION_DAY_COUNTERS,
  COMPLETION_DAY_KEY,
  dailyRowsOf,
  leadBucket,
  leadBucketMinutes,
  HOLD_DAY_COUNTERS,
  HOLD_DAY_KEY,
  leadMinutesBucket,
  STAGE_DAY_COUNTERS,
  STAGE_DAY_KEY,
} from '../../../src/projections/metrics/daily.ts';
import { METRIC_EVENT_TYPES, orderMetrics, type MetricRows } from '../../../src/projections/metrics/fold.ts';
import { isTimeZone, shopDay } from '../../../src/projections/metrics/zone.ts';
import { allEvents, at, IDS, ORDERS } from './history.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the metrics fold of one order', () => {
  it('records each stage entered and left, with the priority and garments at entry', () => {
    const rows = orderMetrics(ORDERS.B, 'UTC');
    expect(rows.stageEntries).toEqual([
      {
        order_id: IDS.B,
        stage: 'spec-review',
        entered_at: at(3, '09:30'),
        entered_day: '2025-03-03',
        priority: 'standard',
        garments: { screen: 10, dtg: 2 },
        left_at: at(3, '10:00'),
        left_day: '2025-03-03',
      },
      {
        order_id: IDS.B,
        stage: 'queued',
        entered_at: at(3, '10:00'),
        entered_day: '2025-03-03',
        priority: 'standard',
        garments: { screen: 10, dtg: 2 },
        left_at: at(4, '10:00'),
        left_day: '2025-03-04',
      },
      {
        order_id: IDS.B,
        stage: 'printing',
        entered_at: at(4, '10:00'),
        entered_day: '2025-03-04',
        priority: 'standard',
        garments: { screen: 10, dtg: 2 },
        left_at: at(6, '10:00'),
        left_day: '2025-03-06',
      },
      {
        order_id: IDS.B,
        stage: 'finishing',
        entered_at: at(6, '10:00'),
        entered_day: '2025-03-06',
        priority: 'standard',
        garments: { screen: 10, dtg: 2 },
        left_at: at(10, '12:00'),
        left_day: '2025-03-10',
      },
      {
        order_id: IDS.B,
        stage: 'ready',
        entered_at: at(10, '12:00'),
        entered_day: '2025-03-10',
        priority: 'standard',
        garments: { screen: 10, dtg: 2 },
        left_at: null,
        left_day: null,
      },
    ]);
    expect(rows.holds).toEqual([]);
  });

  it('a standard order ready after its five days is late; its lead time is payment to ready', () => {
    const [completion] = orderMetrics(ORDERS.B, 'UTC').completions;
    // Paid Mon 3rd 10:00, promised Sat 8th 10:00, ready Mon 10th 12:00: 7 days 2 hours.
    expect(completion).toEqual({
      order_id: IDS.B,
      paid_at: at(3, '10:00'),
      ready_at: at(10, '12:00'),
      ready_day: '2025-03-10',
      promised_at: at(8, '10:00'),
      on_time: false,
      lead_ms: 7 * DAY + 2 * HOUR,
      priority: 'standard',
      garments: { screen: 10, dtg: 2 },
    });
  });

  it('a hold after payment moves the promise by its length: on time with the hold excluded, late without it', () => {
    const rows = orderMetrics(ORDERS.C, 'UTC');
    const [completion] = rows.completions;
    // Paid Mon 08:00 + 5 days + 1 day on hold = Sun 9th 08:00; ready Sat 8th 20:00. Without the
    // hold the promise would be Sat 8th 08:00, twelve hours before it was ready.
    expect(completion?.promised_at).toBe(at(9, '08:00'));
    expect(completion?.on_time).toBe(true);
    expect(Date.parse(completion!.ready_at) > Date.parse(at(8, '08:00'))).toBe(true);
    expect(completion?.lead_ms).toBe(5 * DAY + 12 * HOUR);
    expect(rows.holds).toEqual([
      {
        order_id: IDS.C,
        started_at: at(4, '08:00'),
        started_day: '2025-03-04',
        reason: 'Artwork unclear',
        ended_at: at(5, '08:00'),
        held_ms: DAY,
        garments: { embroidery: 4 },
      },
    ]);
  });

  it('a hold placed before payment counts from the payment, and the rush promise runs from the release', () => {
    const rows = orderMetrics(ORDERS.D, 'UTC');
    expect(rows.holds).toEqual([
      {
        order_id: IDS.D,
        started_at: at(4, '09:00'),
        started_day: '2025-03-04',
        reason: 'Awaiting proof',
        ended_at: at(4, '15:00'),
        held_ms: 6 * HOUR,
        garments: { screen: 6 },
      },
    ]);
    // Paid Tue 09:00 + 2 days (rush) + 6 hours on hold = Thu 15:00; ready Thu 12:00.
    expect(rows.completions[0]).toMatchObject({
      promised_at: at(6, '15:00'),
      on_time: true,
      lead_ms: 2 * DAY + 3 * HOUR,
      priority: 'rush',
    });
    // It was queued while on hold, and counts there under `hold`.
    expect(rows.stageEntries.find((row) => row.stage === 'queued')?.priority).toBe('hold');
  });

  it('a cancelation ends the stage and the hold, and makes no completion', () => {
    const rows = orderMetrics(ORDERS.E, 'UTC');
    expect(rows.completions).toEqual([]);
    expect(rows.holds).toEqual([
      {
        order_id: IDS.E,
        started_at: at(6, '03:00'),
        started_day: '2025-03-06',
        reason: 'Customer asked to wait',
        ended_at: at(6, '15:00'),
        held_ms: 12 * HOUR,
        garments: { dtg: 1 },
      },
    ]);
    expect(rows.stageEntries.at(-1)).toMatchObject({ stage: 'queued', left_at: at(6, '15:00') });
    expect(rows.stageEntries.map((row) => row.stage)).toEqual(['spec-review', 'queued']);
  });

  it('reads only the events that change a figure: dropping the others gives the same rows', () => {
    expect([...METRIC_EVENT_TYPES].sort()).toEqual([
      'OrderCanceled',
      'OrderCreated',
      'OrderFulfilled',
      'PaymentConfirmed',
      'PriorityChanged',
      'ProductionStarted',
      'SpecApproved',
    ]);
    expect(
      orderMetrics(
        ORDERS.B.filter((event) => METRIC_EVENT_TYPES.has(event.type)),
        'UTC',
      ),
    ).toEqual(orderMetrics(ORDERS.B, 'UTC'));
  });

  it('a hold still running has no end yet', () => {
    const rows = orderMetrics(ORDERS.E.slice(0, 3), 'UTC');
    expect(rows.holds).toEqual([
      expect.objectContaining({ started_at: at(6, '03:00'), ended_at: null, held_ms: null }),
    ]);
  });

  it('counts days in the shop time zone: 02:30 UTC on the 6th is the 5th in New York', () => {
    const rows = orderMetrics(ORDERS.E, 'America/New_York');
    expect(rows.stageEntries.map((row) => [row.stage, row.entered_day])).toEqual([
      ['spec-review', '2025-03-05'],
      ['queued', '2025-03-05'],
    ]);
    expect(rows.holds[0]?.started_day).toBe('2025-03-05');
    expect(shopDay(at(6, '05:00'), 'America/New_York')).toBe('2025-03-06');
  });
});

describe('the day sums', () => {
  const facts = (): MetricRows => {
    const all: MetricRows = { stageEntries: [], completions: [], holds: [] };
    for (const events of Object.values(ORDERS)) {
      const rows = orderMetrics(events, 'UTC');
      all.stageEntries.push(...rows.stageEntries);
      all.completions.push(...rows.completions);
      all.holds.push(...rows.holds);
    }
    return all;
  };

  it('count an order with two techniques once under each and once in all', () => {
    const { stageDays } = dailyRowsOf(facts());
    const queuedMonday = stageDays.filter((row) => row.stage === 'queued' && row.day === '2025-03-03');
    // A (rush, dtg 3), B (standard, screen 10 + dtg 2), C (standard, embroidery 4) were paid on Monday.
    expect(queuedMonday).toEqual(
      expect.arrayContaining([
        {
          day: '2025-03-03',
          stage: 'queued',
          priority: 'rush',
          technique: 'all',
          entered: 1,
          entered_garments: 3,
          exited: 1,
          exited_garments: 3,
        },
        {
          day: '2025-03-03',
          stage: 'queued',
          priority: 'standard',
          technique: 'all',
          entered: 2,
          entered_garments: 16,
          exited: 0,
          exited_garments: 0,
        },
        {
          day: '2025-03-03',
          stage: 'queued',
          priority: 'standard',
          technique: 'dtg',
          entered: 1,
          entered_garments: 2,
          exited: 0,
          exited_garments: 0,
        },
        {
          day: '2025-03-03',
          stage: 'queued',
          priority: 'standard',
          technique: 'screen',
          entered: 1,
          entered_garments: 10,
          exited: 0,
          exited_garments: 0,
        },
        {
          day: '2025-03-03',
          stage: 'queued',
          priority: 'standard',
          technique: 'embroidery',
          entered: 1,
          entered_garments: 4,
          exited: 0,
          exited_garments: 0,
        },
      ]),
    );
    expect(queuedMonday).toHaveLength(6); // and rush dtg
  });

  it('keep lead times to the minute under 2 hours, 10 minutes under a day, the half hour under a week, 2 hours beyond', () => {
    const minutes = (n: number) => n * 60_000;
    expect(leadMinutesBucket(minutes(119) + 59_999)).toBe(119);
    expect(leadMinutesBucket(minutes(125))).toBe(120);
    expect(leadMinutesBucket(minutes(36 * 60 + 29))).toBe(36 * 60);
    expect(leadMinutesBucket(minutes(170 * 60 + 119))).toBe(170 * 60);
    expect(leadMinutesBucket(-5)).toBe(0);
  });

  it('number the lead-time buckets one after another across the steps, each read back as its start', () => {
    const minutes = (n: number) => n * 60_000;
    expect([0, 119, 120, 130, 1439, 1440, 7 * 1440 - 1, 7 * 1440].map((m) => leadBucket(minutes(m)))).toEqual([
      0, 119, 120, 121, 251, 252, 539, 540,
    ]);
    for (let bucket = 0; bucket < 700; bucket += 1) expect(leadBucket(minutes(leadBucketMinutes(bucket)))).toBe(bucket);
  });

  it('a live projection batch by batch gives the rebuild rows, row for row', () => {
    const events = allEvents();
    const rebuilt = rebuildMetricRows(facts());
    const tables = [
      ['stageDays', STAGE_DAY_KEY, STAGE_DAY_COUNTERS],
      ['completionDays', COMPLETION_DAY_KEY, COMPLETION_DAY_COUNTERS],
      ['holdDays', HOLD_DAY_KEY, HOLD_DAY_COUNTERS],
    ] as const;
    const byKey = (rows: readonly object[], key: readonly string[]) =>
      new Map(
        rows.map((row) => [key.map((column) => String((row as Record<string, unknown>)[column])).join('|'), row]),
      );
    for (const size of [1, 2, 3, 7, events.length]) {
      // The tables as a live projection leaves them: facts replaced by key, day sums added to.
      const stored = new Map<string, StoredMetricsState>();
      const factRows = new Map<string, object>();
      const sums = {
        stageDays: new Map<string, Record<string, unknown>>(),
        completionDays: new Map<string, Record<string, unknown>>(),
        holdDays: new Map<string, Record<string, unknown>>(),
      };
      for (let start = 0; start < events.length; start += size) {
        const slice = events.slice(start, start + size);
        const batch = foldMetricsBatch(stored, slice, 'UTC');
        for (const [id, state] of batch.states) stored.set(id, state);
        // Replaying the same batch changes nothing: its events are at or below the stored versions.
        expect(foldMetricsBatch(stored, slice, 'UTC').states.size).toBe(0);
        for (const row of batch.facts.stageEntries) factRows.set(`s${row.order_id}${row.stage}`, row);
        for (const row of batch.facts.completions) factRows.set(`c${row.order_id}`, row);
        for (const row of batch.facts.holds) factRows.set(`h${row.order_id}${row.started_at}`, row);
        for (const [name, key, counters] of tables) {
          for (const [id, delta] of byKey(batch.deltas[name], key)) {
            const zero = (c: string) => [c, Array.isArray((delta as Record<string, unknown>)[c]) ? [] : 0];
            const row = sums[name].get(id) ?? { ...delta, ...Object.fromEntries(counters.map(zero)) };
            for (const counter of counters) {
              const added = (delta as Record<string, number | number[]>)[counter] ?? 0;
              row[counter] = Array.isArray(added)
                ? addCounts(row[counter] as number[], added)
                : (row[counter] as number) + added;
            }
            sums[name].set(id, row);
          }
        }
      }
      for (const [name, key] of tables) {
        expect(sums[name], `${name} in batches of ${size}`).toEqual(byKey(rebuilt.daily[name], key));
      }
      const rebuiltFacts = [...rebuilt.facts.stageEntries, ...rebuilt.facts.completions, ...rebuilt.facts.holds];
      expect(new Set(factRows.values())).toEqual(new Set(rebuiltFacts));
    }
  });
});

describe('SHOP_TIME_ZONE names', () => {
  it('accepts IANA names and UTC, refuses anything else', () => {
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone(' UTC')).toBe(false);
  });
});

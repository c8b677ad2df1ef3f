import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LINE_ITEM_COLUMNS, ORDER_COLUMNS, TIMELINE_COLUMNS } from '../../../src/projections/orders/tables.ts';
import { rowEncoder } from '../../../src/projections/engine/table.ts';
import type { LineItemRecord, TimelineRecord } from '../../../src/projections/orders/tables.ts';
import type { OrderRecord } from '../../../src/projections/orders/tables.ts';
import { lineItemLine, orderLine, timelineLine } from '../../../src/projections/orders/tables.ts';
import { ACTOR_TYPES } from '../../../src/projections/orders/guard.ts';
import { escapeText } from '../../../src/projections/engine/table.ts';
import { ORDER_EVENT_TYPES, STATUS_MAP } from '../../../src/domain/order/index.ts';

const ODD = 'tab\there\nnewline\r\\back "quoted" ünï 🎉';

const timeline = (text: string): TimelineRecord => ({
  id: randomUUID(),
  order_id: randomUUID(),
  stream_version: 3,
  status: 'In Production',
  message: `Production started ${text}`,
  metadata: { message: text, n: 1, nested: [null, true] },
  occurred_at: '2025-03-03T09:00:00.123Z',
  actor_type: 'operator',
  actor_id: `op ${text}`,
  event_type: 'ProductionStarted',
  position_commit: '18446744073709551615',
  position_prepare: '42',
});

const lineItem = (text: string): LineItemRecord => ({
  id: randomUUID(),
  order_id: randomUUID(),
  line_no: 2,
  size: `XL ${text}`,
  quantity: 3,
  technique: 'dtg',
  unit_price_cents: '1800',
  metadata: {},
  created_at: '2025-03-03T09:00:00Z',
});

function order(text: string, filled: boolean): OrderRecord {
  const maybe = <T>(value: T): T | null => (filled ? value : null);
  return {
    id: randomUUID(),
    user_id: randomUUID(),
    project_id: maybe(randomUUID()),
    reference: `PO-1 ${text}`,
    status: 'submitted',
    notes: maybe(text),
    metadata: { text },
    created_at: '2025-03-03T09:00:00Z',
    updated_at: '2025-03-03T10:00:00.5Z',
    priority: 'rush',
    hold_reason: maybe(text),
    prompt: maybe(text),
    design_url: 'https://cdn.example.com/d.png',
    garment_id: 'classic-tee',
    garment: { id: 'classic-tee', title: `Tee ${text}`, priceCents: 1800, sizes: ['M'], imageUrl: null },
    total_cents: '9000',
    currency: 'usd',
    stripe_checkout_session_id: maybe('cs_1'),
    checkout_url: maybe('https://x/y'),
    checkout_simulated: maybe(true),
    payment_session_id: maybe('cs_1'),
    stripe_payment_intent_id: maybe('pi_1'),
    paid_cents: maybe('9000'),
    paid_currency: maybe('usd'),
    paid_at: maybe('2025-03-03T09:05:00Z'),
    payment_mismatch: filled,
    last_payment_failure: maybe(text),
    refunded_cents: '0',
    canceled: !filled,
    canceled_by: maybe('operator'),
    cancel_reason: maybe(text),
    refund_due: filled,
    submitted_at: maybe('2025-03-03T09:05:00Z'),
    approved_at: maybe('2025-03-03T09:06:00Z'),
    in_production_at: maybe('2025-03-03T09:07:00Z'),
    fulfilled_at: maybe('2025-03-03T09:08:00Z'),
    canceled_at: maybe('2025-03-03T09:09:00Z'),
    tracking_number: maybe('1Z'),
    tracking_url: maybe(text),
    carrier: maybe('UPS'),
    public_tracking_token: maybe(`tok_${text}`),
    eta_clock: {
      tier: 'rush',
      onHold: false,
      paidAtMs: 1,
      pausedAtMs: null,
      heldMs: 0,
      stoppedAtMs: null,
    } as unknown as OrderRecord['eta_clock'],
    eta_at: maybe('2025-03-06T09:05:00Z'),
    version: 7,
    position_commit: '900',
    position_prepare: '901',
    refund_excess: filled,
    refund_failed: filled,
    refund_failure_reason: maybe(text),
    dispute_id: maybe('dp_1'),
    dispute_status: maybe(text),
    dispute_evidence_due_by: maybe('2025-03-20T23:59:59Z'),
    disputed: filled,
    held_at: maybe('2025-03-18T09:30:00.123456Z'),
  };
}

describe("the bulk load's row encoders", () => {
  it('write exactly the line the generic COPY encoder writes, escapes and nulls included', () => {
    for (const text of ['plain', ODD]) {
      const entry = timeline(text);
      expect(timelineLine(entry)).toBe(rowEncoder(TIMELINE_COLUMNS)(entry));
      const item = lineItem(text);
      expect(lineItemLine(item)).toBe(rowEncoder(LINE_ITEM_COLUMNS)(item));
      for (const filled of [true, false]) {
        const row = order(text, filled);
        expect(orderLine(row)).toBe(rowEncoder(ORDER_COLUMNS)(row));
      }
    }
  });

  it('leave unescaped only values from fixed lists that need no escaping: status labels, actor types, event types', () => {
    for (const value of [...Object.values(STATUS_MAP), ...ACTOR_TYPES, ...ORDER_EVENT_TYPES])
      expect(escapeText(value)).toBe(value);
  });

  it('write one line per row, with one field per column and no raw tab or newline inside a field', () => {
    const entry = timeline(ODD);
    const line = timelineLine(entry);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1).split('\t')).toHaveLength(Object.keys(TIMELINE_COLUMNS).length);
    expect(orderLine(order(ODD, false)).slice(0, -1).split('\t')).toHaveLength(Object.keys(ORDER_COLUMNS).length);
    expect(orderLine(order(ODD, false))).toContain('\t\\N\t');
  });
});

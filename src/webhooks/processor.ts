import type Stripe from 'stripe';
import { applySignal, type ApplyDeps } from './applySignal.ts';
import type { DeliveryRecord, WebhookInbox } from './inbox.ts';
import { signalOf } from './stripeSignal.ts';

export interface ProcessedDelivery {
  /** `recorded`: this delivery applied (or ignored) the event; `duplicate`: it was already recorded. */
  readonly status: 'recorded' | 'duplicate';
  readonly record: DeliveryRecord;
}

export interface StripeEventProcessor {
  /** Applies a verified Stripe event once and records it in the inbox; safe to call for every delivery. */
  process(event: Stripe.Event): Promise<ProcessedDelivery>;
}

export interface ProcessorDeps extends ApplyDeps {
  readonly inbox: WebhookInbox;
  readonly now: () => Date;
  /** Recorded deliveries remembered in memory, so most repeats need no database read. Default 10,000. */
  readonly rememberRecorded?: number;
}

/**
 * Exactly-once effect per Stripe event id, in three steps:
 * 1. a recorded event is a repeat: answer it, change nothing;
 * 2. apply it to the order; the order's own events remember the Stripe event id, so a delivery
 *    that races this one, or a retry after a crash before step 3, writes nothing new;
 * 3. record it in the inbox (`no_stream`): exactly one delivery wins, the others are repeats.
 * Concurrent deliveries of one event inside this process share one run (saves the races in 2),
 * and recently recorded events are remembered (a record never changes once written), so the
 * usual repeat costs no database work at all.
 */
export function createStripeEventProcessor(deps: ProcessorDeps): StripeEventProcessor {
  const inFlight = new Map<string, Promise<ProcessedDelivery>>();
  const recent = new Map<string, DeliveryRecord>();
  const capacity = deps.rememberRecorded ?? 10_000;
  const remember = (record: DeliveryRecord): void => {
    if (capacity <= 0) return;
    if (recent.size >= capacity) recent.delete(recent.keys().next().value as string);
    recent.set(record.stripeEventId, record);
  };

  async function run(event: Stripe.Event): Promise<ProcessedDelivery> {
    const known = await deps.inbox.find(event.id);
    if (known) {
      remember(known);
      return { status: 'duplicate', record: known };
    }
    const receivedAt = deps.now();
    const applied = await applySignal(deps, signalOf(event), event.id, receivedAt);
    const record: DeliveryRecord = {
      stripeEventId: event.id,
      stripeEventType: event.type,
      livemode: event.livemode === true,
      createdAt: (Number.isFinite(event.created) ? new Date(event.created * 1000) : receivedAt).toISOString(),
      receivedAt: receivedAt.toISOString(),
      ...applied,
    };
    const status = await deps.inbox.record(record);
    const stored = status === 'recorded' ? record : ((await deps.inbox.find(event.id)) ?? record);
    remember(stored);
    return { status, record: stored };
  }

  return {
    process(event) {
      const remembered = recent.get(event.id);
      if (remembered) return Promise.resolve({ status: 'duplicate', record: remembered });
      const running = inFlight.get(event.id);
      if (running) return running.then((first) => ({ status: 'duplicate', record: first.record }));
      const started = run(event).finally(() => inFlight.delete(event.id));
      inFlight.set(event.id, started);
      return started;
    },
  };
}

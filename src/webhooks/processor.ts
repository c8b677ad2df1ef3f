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
}

/**
 * Exactly-once effect per Stripe event id, in three steps:
 * 1. a recorded event is a repeat: answer it, change nothing;
 * 2. apply it to the order; the order's own events remember the Stripe event id, so a delivery
 *    that races this one, or a retry after a crash before step 3, writes nothing new;
 * 3. record it in the inbox (`no_stream`): exactly one delivery wins, the others are repeats.
 * Concurrent deliveries of one event inside this process share one run (saves the races in 2).
 */
export function createStripeEventProcessor(deps: ProcessorDeps): StripeEventProcessor {
  const inFlight = new Map<string, Promise<ProcessedDelivery>>();

  async function run(event: Stripe.Event): Promise<ProcessedDelivery> {
    const known = await deps.inbox.find(event.id);
    if (known) return { status: 'duplicate', record: known };
    const receivedAt = deps.now();
    const applied = await applySignal(deps, signalOf(event), event.id, receivedAt);
    const record: DeliveryRecord = {
      stripeEventId: event.id,
      stripeEventType: event.type,
      livemode: event.livemode === true,
      createdAt: new Date(event.created * 1000).toISOString(),
      receivedAt: receivedAt.toISOString(),
      ...applied,
    };
    const status = await deps.inbox.record(record);
    if (status === 'recorded') return { status, record };
    return { status, record: (await deps.inbox.find(event.id)) ?? record };
  }

  return {
    process(event) {
      const running = inFlight.get(event.id);
      if (running) return running.then((first) => ({ status: 'duplicate', record: first.record }));
      const started = run(event).finally(() => inFlight.delete(event.id));
      inFlight.set(event.id, started);
      return started;
    },
  };
}

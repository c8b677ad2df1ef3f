import { stripeInboxEventId } from '../commands/ids.ts';
import { AppError, isAppError } from '../domain/errors.ts';
import type { EventStore } from '../eventstore/eventStore.ts';

/**
 * The webhook inbox: every Stripe delivery we acted on is one event in its own stream
 * `stripe_event-<evt id>`, appended with `no_stream`. The event store's stream uniqueness is the
 * dedupe, across requests and processes alike; no table, lock or cache is needed for correctness.
 */

export const INBOX_CATEGORY = 'stripe_event';
export const INBOX_EVENT_TYPE = 'StripeEventRecorded';

export type DeliveryOutcome = 'applied' | 'ignored';

export interface DeliveryRecord {
  readonly stripeEventId: string;
  readonly stripeEventType: string;
  readonly livemode: boolean;
  /** When Stripe created the event (ISO-8601). */
  readonly createdAt: string;
  readonly receivedAt: string;
  readonly orderId: string | null;
  readonly outcome: DeliveryOutcome;
  /** Why nothing changed (ignored), or what was applied. */
  readonly reason: string;
  /** Types of the order events written, empty when ignored. */
  readonly orderEvents: readonly string[];
}

const STRIPE_ID = /^[A-Za-z0-9_]{1,200}$/;

export function inboxStreamId(stripeEventId: string): string {
  if (!STRIPE_ID.test(stripeEventId)) {
    throw new AppError('BAD_USER_INPUT', 'The Stripe event id is not valid', {
      fields: [{ path: 'id', message: 'must be a Stripe object id' }],
    });
  }
  return `${INBOX_CATEGORY}-${stripeEventId}`;
}

/** A uuid derived from the Stripe event id (the one id helper), so a retried append carries the same event id. */
export const inboxEventId = stripeInboxEventId;

export interface WebhookInbox {
  /** The recorded delivery, or undefined when this Stripe event was never recorded. */
  find(stripeEventId: string): Promise<DeliveryRecord | undefined>;
  /** Records once; answers `duplicate` when another delivery of the same event got there first. */
  record(record: DeliveryRecord): Promise<'recorded' | 'duplicate'>;
}

export function createWebhookInbox(eventStore: EventStore): WebhookInbox {
  return {
    async find(stripeEventId) {
      const { events } = await eventStore.readStream(inboxStreamId(stripeEventId), { maxCount: 1 });
      return events[0]?.data as DeliveryRecord | undefined;
    },
    async record(record) {
      try {
        const result = await eventStore.appendToStream(
          inboxStreamId(record.stripeEventId),
          [{ id: inboxEventId(record.stripeEventId), type: INBOX_EVENT_TYPE, data: { ...record } }],
          { expectedVersion: 'no_stream' },
        );
        return result.duplicate ? 'duplicate' : 'recorded';
      } catch (error) {
        if (isAppError(error) && error.code === 'VERSION_CONFLICT') return 'duplicate';
        throw error;
      }
    },
  };
}

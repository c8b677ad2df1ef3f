import type { OrderEvent } from './events.ts';
import { PRIORITY_LABELS } from './labels.ts';

/** The seed's words for a confirmed payment, shown with status "Queued". */
export const PAYMENT_CONFIRMED_MESSAGE = 'Payment confirmed, order queued for production';

const money = (cents: number, currency: string): string => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
const withText = (base: string, text: string | null): string => (text ? `${base}: ${text}` : base);

/** The timeline message for an event (contract rule 5), one wording for every read model. */
export function timelineMessage(event: OrderEvent): string {
  switch (event.type) {
    case 'OrderCreated':
      return `Order ${event.reference} created`;
    case 'CheckoutSessionOpened':
      return 'Checkout opened, awaiting payment';
    case 'PaymentConfirmed':
      return PAYMENT_CONFIRMED_MESSAGE;
    case 'PaymentFailed':
      return `Payment failed: ${event.reason}`;
    case 'PaymentMismatchFlagged':
      return `Payment of ${money(event.amountCents, event.currency)} does not match the order total of ${money(event.expectedAmountCents, event.expectedCurrency)}; flagged for review`;
    case 'SpecApproved':
      return withText('Spec approved, printing', event.message);
    case 'ProductionStarted':
      return withText('Printed, finishing', event.message);
    case 'OrderFulfilled': {
      const tracking = [event.carrier, event.trackingNumber].filter((part) => part !== null).join(' ');
      return withText(tracking ? `Order ready, shipped with ${tracking}` : 'Order ready', event.message);
    }
    case 'OrderCanceled':
      return withText(event.refundDue ? 'Order canceled, refund requested' : 'Order canceled', event.reason);
    case 'PriorityChanged':
      return withText(
        `Priority changed from ${PRIORITY_LABELS[event.from]} to ${PRIORITY_LABELS[event.to]}`,
        event.reason,
      );
    case 'NotesUpdated':
      return 'Notes updated';
    case 'MessagePosted':
      return event.message;
    case 'RefundRecorded':
      return `Refund recorded: ${money(event.amountRefundedCents, event.currency)} returned`;
    case 'RefundExcessFlagged':
      return `Stripe reported ${money(event.reportedRefundedCents, event.currency)} refunded, more than the ${money(event.paidCents, event.currency)} paid; the excess was not recorded; flagged for review`;
    case 'RefundFailed':
      return withText(`Refund of ${money(event.amountCents, event.currency)} failed`, event.reason);
    case 'DisputeOpened': {
      const due = event.evidenceDueBy === null ? '' : `; evidence due by ${event.evidenceDueBy}`;
      return `Payment of ${money(event.amountCents, event.currency)} disputed${event.reason ? ` (${event.reason})` : ''}${due}; flagged for review`;
    }
    case 'DisputeUpdated': {
      const due = event.evidenceDueBy === null ? '' : `; evidence due by ${event.evidenceDueBy}`;
      return `Dispute ${event.status.replaceAll('_', ' ')}${due}`;
    }
    case 'DisputeClosed':
      return `Dispute closed: ${event.status}`;
    case 'TrackingLinkIssued':
      return 'Public tracking link issued';
    case 'TrackingLinkRevoked':
      return 'Public tracking link revoked';
    default: {
      const _exhaustive: never = event;
      return String(_exhaustive);
    }
  }
}

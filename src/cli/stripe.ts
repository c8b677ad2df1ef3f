import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { loadOrder } from '../commands/order/orderStream.ts';
import { isUuid } from '../domain/ids.ts';
import type { Order } from '../domain/order/state.ts';
import { stripeWebhookAnswer } from '../http/routes/api/stripe/webhook/index.ts';
import { STRIPE_WEBHOOK_PATH } from '../webhooks/path.ts';
import { loadDevWebhookSecret } from '../payments/devWebhookSecret.ts';
import {
  simulatedChargeRefunded,
  simulatedDispute,
  simulatedPaymentIntentId,
  simulatedRefundFailed,
  simulatedSession,
  eventEnvelope,
  type SimulatedRefund,
  type StripeEventEnvelope,
} from '../payments/simulatedObjects.ts';
import { CliError, type CliContext } from './context.ts';

/** The events `stripe send` makes: those the webhook handles that Stripe sends on its own. */
export const SENDABLE_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'refund.failed',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
] as const;
type SendableEvent = (typeof SENDABLE_EVENTS)[number];

export const STRIPE_SEND_USAGE = `usage: stripe send <event> <orderId|reference> [--amount <cents>] [--status won|lost]
  <event>: ${SENDABLE_EVENTS.join(', ')}
  --amount: charge.refunded only, the charge's refunded total in cents (default: all that was paid)
  --status: charge.dispute.closed only, how the dispute ended (default: lost)`;

/** The server gets this long to answer one delivery; a server that does not is reported unreachable. */
const DELIVERY_TIMEOUT_MS = 10_000;

export interface StripeSendOptions {
  readonly amount?: string | undefined;
  readonly status?: string | undefined;
}

/**
 * `stripe send <event> <order>`: a Stripe-shaped event for the order, as Stripe would send it,
 * signed with the installation's simulated webhook secret and posted to the running server's
 * webhook route, so a new user sees what each event does. Simulated payments only: with real
 * Stripe the events come from Stripe (`stripe trigger`, the Dashboard).
 */
export async function stripeCommand(
  context: CliContext,
  action: string | undefined,
  eventType: string | undefined,
  orderArgument: string | undefined,
  options: StripeSendOptions,
): Promise<void> {
  if (action !== 'send' || eventType === undefined || orderArgument === undefined)
    throw new CliError(STRIPE_SEND_USAGE, 2);
  if (!isSendable(eventType))
    throw new CliError(`"${eventType}" is not an event stripe send makes\n\n${STRIPE_SEND_USAGE}`, 2);
  const amountRefundedCents = refundedAmountOption(eventType, options.amount);
  const disputeStatus = disputeStatusOption(eventType, options.status);
  if (context.config.payments === 'stripe') {
    throw new CliError(
      'payments are real here (STRIPE_SECRET_KEY is set): Stripe sends the events itself. Use `stripe trigger <event>` (Stripe CLI, test mode) or the Dashboard, with `stripe listen --forward-to` for a local server; see docs/stripe.md.',
    );
  }
  const order = await findOrder(context, orderArgument);
  const now = new Date();
  const event = eventFor(order, eventType, now, context.config.publicBaseUrl, { amountRefundedCents, disputeStatus });
  const secret = await loadDevWebhookSecret(await context.pool());
  const answer = await deliver(`${context.config.publicBaseUrl}${STRIPE_WEBHOOK_PATH}`, event, secret, now);
  const label = `${event.type} ${event.id} for order ${order.reference} (${order.id})`;
  if (answer.duplicate)
    context.io.out(
      `${label}: ignored: event already recorded, nothing changed (first delivery: ${answer.outcome}: ${answer.reason})`,
    );
  else context.io.out(`${label}: ${answer.outcome}: ${answer.reason}`);
}

const isSendable = (value: string): value is SendableEvent => (SENDABLE_EVENTS as readonly string[]).includes(value);

function refundedAmountOption(eventType: SendableEvent, amount: string | undefined): number | undefined {
  if (amount === undefined) return undefined;
  if (eventType !== 'charge.refunded')
    throw new CliError(`--amount applies to charge.refunded only\n\n${STRIPE_SEND_USAGE}`, 2);
  if (!/^\d{1,9}$/.test(amount) || Number(amount) === 0)
    throw new CliError(`--amount must be a whole number of cents above 0, got "${amount}"`, 2);
  return Number(amount);
}

function disputeStatusOption(eventType: SendableEvent, status: string | undefined): 'won' | 'lost' {
  if (status === undefined) return 'lost';
  if (eventType !== 'charge.dispute.closed')
    throw new CliError(`--status applies to charge.dispute.closed only\n\n${STRIPE_SEND_USAGE}`, 2);
  if (status !== 'won' && status !== 'lost') throw new CliError(`--status must be won or lost, got "${status}"`, 2);
  return status;
}

/** By id from the event store (always current); by reference through the read model, which names the id. */
async function findOrder(context: CliContext, argument: string): Promise<Order> {
  let orderId = argument.toLowerCase();
  if (!isUuid(argument)) {
    const { rows } = await (
      await context.pool()
    ).query<{ id: string }>('select id from production_orders where upper(reference) = upper($1) limit 1', [argument]);
    const found = rows[0]?.id;
    if (!found) throw new CliError(`no order has id or reference "${argument}"`);
    orderId = found;
  }
  const { state } = await loadOrder(await context.eventStore(), orderId);
  if (!state) throw new CliError(`no order has id or reference "${argument}"`);
  return state;
}

/**
 * The event as Stripe would send it for this order. Each send is a new event (its own id), as
 * `stripe trigger` makes: a repeat reaches the order, which says whether it changes anything.
 */
function eventFor(
  order: Order,
  eventType: SendableEvent,
  now: Date,
  publicBaseUrl: string,
  options: { readonly amountRefundedCents: number | undefined; readonly disputeStatus: 'won' | 'lost' },
): StripeEventEnvelope {
  const eventId = `evt_sim_cli_${randomBytes(12).toString('hex')}`;
  const sessionOrder = {
    orderId: order.id,
    userId: order.ownerId,
    currency: order.currency,
    totalCents: order.totalCents,
  };
  const session = (outcome: 'paid' | 'unpaid' | 'expired') => {
    const sessionId = order.checkout?.sessionId;
    if (!sessionId)
      throw new CliError(
        `order ${order.reference} has no checkout session: it opens one when placed, so a session event has nothing to name`,
      );
    return eventEnvelope(
      eventId,
      eventType,
      simulatedSession(sessionOrder, sessionId, publicBaseUrl, now, outcome),
      now,
    );
  };
  // The payment the order recorded; before one, what Stripe would have charged: its total, on the session's payment intent.
  const payment: SimulatedRefund = {
    orderId: order.id,
    userId: order.ownerId,
    paymentIntentId: order.payment?.paymentIntentId ?? simulatedPaymentIntentId(order.id),
    amountCents: order.payment?.amountCents ?? order.totalCents,
    currency: order.payment?.currency ?? order.currency,
  };
  switch (eventType) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return session('paid');
    case 'checkout.session.async_payment_failed':
      return session('unpaid');
    case 'checkout.session.expired':
      return session('expired');
    case 'charge.refunded':
      return simulatedChargeRefunded(payment, now, {
        eventId,
        ...(options.amountRefundedCents === undefined ? {} : { amountRefundedCents: options.amountRefundedCents }),
      });
    case 'refund.failed':
      return simulatedRefundFailed(payment, now, eventId);
    case 'charge.dispute.created':
      return simulatedDispute(payment, 'created', 'needs_response', now, eventId);
    case 'charge.dispute.updated':
      return simulatedDispute(payment, 'updated', 'under_review', now, eventId);
    case 'charge.dispute.closed':
      return simulatedDispute(payment, 'closed', options.disputeStatus, now, eventId);
  }
}

/** Signed as Stripe signs (the same header our route verifies), posted once, with a bounded wait. */
async function deliver(url: string, event: StripeEventEnvelope, secret: string, now: Date) {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    timestamp: Math.floor(now.getTime() / 1000),
  });
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    const cause =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new CliError(
      `the server is not reachable at ${url} (${cause}): start it (npm start), or set PUBLIC_BASE_URL (or HOST and PORT) to where it listens`,
    );
  }
  if (response.status === 400 && /signature/i.test(text)) {
    throw new CliError(
      `the server at ${url} refused the signature: it is not using this database's simulated webhook secret (is it another installation, or running real Stripe?): ${text.slice(0, 300)}`,
    );
  }
  if (!response.ok) throw new CliError(`the server at ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const answer = stripeWebhookAnswer.safeParse(body);
  if (!answer.success)
    throw new CliError(`the server at ${url} answered 200 but not as our webhook does: ${text.slice(0, 300)}`);
  return answer.data;
}

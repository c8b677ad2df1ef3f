import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type Stripe from 'stripe';
import type { EventStore } from '../eventstore/eventStore.ts';
import type { OrderCommands } from '../commands/order/index.ts';
import type { Config } from '../config.ts';
import { createWebhookInbox } from '../webhooks/inbox.ts';
import { STRIPE_WEBHOOK_PATH } from '../webhooks/path.ts';
import { createStripeEventProcessor, type StripeEventProcessor } from '../webhooks/processor.ts';
import { createCheckoutService, type CheckoutService } from './checkout.ts';
import type { PaymentGateway } from './gateway.ts';
import { createRefundReactor, type RefundReactor } from './refundReactor.ts';
import { runRefundReactorLed } from './refundRunner.ts';
import type { LoadOrder } from './orderFacts.ts';
import { createSelfDelivery, type DeliverToSelf } from './selfDelivery.ts';
import { createSimulatedGateway } from './simulatedGateway.ts';
import { createStripeClient } from './stripeClient.ts';
import { createStripeGateway } from './stripeGateway.ts';

export interface PaymentsDeps {
  readonly config: Pick<Config, 'stripe' | 'publicBaseUrl'>;
  readonly eventStore: EventStore;
  readonly commands: OrderCommands;
  /** The read-model pool: payment intent → order lookups and the refund reactor's checkpoint. */
  readonly pool: pg.Pool;
  readonly now?: () => Date;
  /** Tests: a prepared SDK client instead of one built from the config. */
  readonly stripe?: Stripe;
  /**
   * Simulated payments: the signing secret, the installation's (`loadDevWebhookSecret`) so other
   * processes and the CLI can sign; unset: a random one for this process alone (tests).
   */
  readonly devWebhookSecret?: string;
}

/** What `POST /api/stripe/webhook` (src/http/routes/api/stripe/webhook) serves with. */
export interface StripeWebhookEndpoint {
  readonly processor: StripeEventProcessor;
  /** The endpoint's signing secrets (`STRIPE_WEBHOOK_SECRET`, or the dev secret of simulated payments). */
  readonly webhookSecrets: readonly string[];
  readonly now: () => Date;
}

/** What the simulated Checkout page (src/http/routes/checkout/simulated) serves with. */
export interface SimulatedCheckoutEndpoint {
  readonly loadOrder: LoadOrder;
  readonly deliver: DeliverToSelf;
  readonly publicBaseUrl: string;
  readonly now: () => Date;
}

/** The HTTP endpoints payments need: the webhook always, the simulated Checkout page when payments are simulated. */
export interface PaymentEndpoints {
  readonly webhook: StripeWebhookEndpoint;
  readonly simulatedCheckout?: SimulatedCheckoutEndpoint;
}

/** Everything payments: the gateway, checkout, the webhook and its processor, the refund reactor. */
export interface Payments {
  readonly simulated: boolean;
  readonly gateway: PaymentGateway;
  readonly checkout: CheckoutService;
  readonly processor: StripeEventProcessor;
  readonly refunds: RefundReactor;
  readonly webhookSecrets: readonly string[];
  /** What the webhook route, and the simulated Checkout page when payments are simulated, serve with: pass to `buildApp({ paymentEndpoints })`. */
  readonly endpoints: PaymentEndpoints;
  /** Call once the server listens at `url` (`http://127.0.0.1:4000`): simulated payments post their webhooks there. */
  listening(url: string): void;
  /**
   * Follows the order events and requests the refunds cancels owe, in whichever one process
   * sharing the database leads that role (see runRefundReactorLed); resolves once `signal` aborts.
   */
  runRefunds(signal: AbortSignal, log: { error(details: object, message: string): void }): Promise<void>;
}

/**
 * Real Stripe when the config has Stripe keys (`STRIPE_API_BASE` for stripe-mock or a fake),
 * otherwise simulated payments that go through the same webhook route over HTTP. The config
 * (`PAYMENTS`) decides and has them only when simulated payments were chosen or run on loopback.
 */
export function setUpPayments(deps: PaymentsDeps): Payments {
  const now = deps.now ?? (() => new Date());
  const { stripe: stripeConfig, publicBaseUrl } = deps.config;
  const webhookSecrets = stripeConfig
    ? [stripeConfig.webhookSecret]
    : [deps.devWebhookSecret ?? `whsec_dev_${randomBytes(24).toString('base64url')}`];
  let selfUrl: string | undefined;
  const deliver = createSelfDelivery({
    webhookSecret: webhookSecrets[0] ?? '',
    webhookUrl: () => {
      if (!selfUrl)
        throw new Error('Simulated payments need the server to listen first (call payments.listening(url))');
      return `${selfUrl}${STRIPE_WEBHOOK_PATH}`;
    },
    now,
  });
  const gateway = stripeConfig
    ? createStripeGateway(deps.stripe ?? createStripeClient(stripeConfig), publicBaseUrl)
    : createSimulatedGateway({ publicBaseUrl, deliver, now });
  const loadOrder = (orderId: string) => deps.commands.load(orderId);
  const processor = createStripeEventProcessor({
    inbox: createWebhookInbox(deps.eventStore),
    execute: (command) => deps.commands.execute(command),
    orderIdForPaymentIntent: async (paymentIntentId) => {
      const { rows } = await deps.pool.query<{ id: string }>(
        'select id from production_orders where stripe_payment_intent_id = $1 limit 1',
        [paymentIntentId],
      );
      return rows[0]?.id;
    },
    now,
  });
  const refunds = createRefundReactor({ eventStore: deps.eventStore, loadOrder, gateway, now });
  const webhook: StripeWebhookEndpoint = { processor, webhookSecrets, now };
  return {
    simulated: gateway.simulated,
    gateway,
    checkout: createCheckoutService({ commands: deps.commands, gateway }),
    processor,
    refunds,
    webhookSecrets,
    endpoints: gateway.simulated
      ? { webhook, simulatedCheckout: { loadOrder, deliver, publicBaseUrl, now } }
      : { webhook },
    listening: (url) => {
      selfUrl = url.replace(/\/$/, '');
    },
    runRefunds: (signal, log) =>
      runRefundReactorLed({ eventStore: deps.eventStore, reactor: refunds, pool: deps.pool, signal, log }),
  };
}

import type { CheckoutOrder } from './checkoutSession.ts';
import type { OpenedCheckout, PaymentGateway, RefundRequest, RequestedRefund } from './gateway.ts';
import type { DeliverToSelf } from './selfDelivery.ts';
import { newSimulatedSessionId, simulatedChargeRefunded, simulatedRefundId } from './simulatedObjects.ts';

export interface SimulatedGatewayOptions {
  readonly publicBaseUrl: string;
  readonly deliver: DeliverToSelf;
  readonly now: () => Date;
}

/**
 * Payments without Stripe (`PAYMENTS=simulated`): the checkout is our own page
 * (`/checkout/simulated/<session>`), and a refund is answered, as Stripe would, by a signed
 * `charge.refunded` sent to our own webhook.
 */
export function createSimulatedGateway(options: SimulatedGatewayOptions): PaymentGateway {
  return {
    simulated: true,
    // A new random session each call: the checkout service records the first and answers a
    // repeat (or a racing loser) with the recorded one, so an order still has one session.
    openCheckout(order: CheckoutOrder): Promise<OpenedCheckout> {
      const sessionId = newSimulatedSessionId(order.orderId);
      return Promise.resolve({
        sessionId,
        checkoutUrl: `${options.publicBaseUrl}/checkout/simulated/${sessionId}`,
        simulated: true,
      });
    },
    async requestRefund(request: RefundRequest): Promise<RequestedRefund> {
      await options.deliver(simulatedChargeRefunded(request, options.now()));
      return { refundId: simulatedRefundId(request.orderId), status: 'succeeded' };
    },
  };
}

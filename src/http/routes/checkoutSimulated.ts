import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors.ts';
import { cancelUrl, successUrl } from '../../payments/checkoutSession.ts';
import { checkoutOrderOf, type LoadOrder } from '../../payments/orderFacts.ts';
import type { DeliverToSelf } from '../../payments/selfDelivery.ts';
import { orderIdOfSimulatedSession, simulatedCheckoutCompleted } from '../../payments/simulatedObjects.ts';
import { simulatedCheckoutPage } from '../../payments/simulatedPage.ts';

export interface SimulatedCheckoutRouteOptions {
  readonly loadOrder: LoadOrder;
  readonly deliver: DeliverToSelf;
  readonly publicBaseUrl: string;
  readonly now: () => Date;
}

const params = z.object({ sessionId: z.string().max(200).describe('the simulated Checkout session id (cs_sim_<order id>)') });

/**
 * The simulated Checkout (only when `STRIPE_SECRET_KEY` is unset). Pay sends our own webhook a
 * correctly signed `checkout.session.completed` over real HTTP, then redirects to the success URL
 * as Stripe does; the order is submitted by the webhook, exactly as with Stripe.
 */
export const simulatedCheckoutRoutes: FastifyPluginAsync<SimulatedCheckoutRouteOptions> = (app, options) => {
  // The Pay form posts `application/x-www-form-urlencoded`; it carries nothing we read.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, _body, done) => done(null, {}));

  const load = async (sessionId: string) => {
    const orderId = orderIdOfSimulatedSession(sessionId);
    const order = orderId ? (await options.loadOrder(orderId)).state : null;
    if (!order || order.checkout?.sessionId !== sessionId) throw new AppError('NOT_FOUND', `No simulated checkout session ${sessionId}`);
    return order;
  };

  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/checkout/simulated/:sessionId',
    { config: { authenticate: false }, schema: { summary: 'Simulated Checkout page', tags: ['checkout'], params } },
    async (request, reply) => {
      const order = await load(request.params.sessionId);
      return reply.type('text/html; charset=utf-8').send(simulatedCheckoutPage(order, request.params.sessionId, cancelUrl(options.publicBaseUrl, order.id)));
    },
  );
  typed.post(
    '/checkout/simulated/:sessionId',
    { config: { authenticate: false }, schema: { summary: 'Pay a simulated Checkout session', tags: ['checkout'], params } },
    async (request, reply) => {
      const order = await load(request.params.sessionId);
      // Not payable any more (paid, canceled): back to the order, as Stripe shows an expired session.
      if (order.orderStatus !== 'draft' || order.payment !== null) return reply.redirect(cancelUrl(options.publicBaseUrl, order.id), 303);
      await options.deliver(simulatedCheckoutCompleted(checkoutOrderOf(order), options.publicBaseUrl, options.now()));
      return reply.redirect(successUrl(options.publicBaseUrl, order.id), 303);
    },
  );
  return Promise.resolve();
};

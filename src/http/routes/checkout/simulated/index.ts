import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../../domain/errors.ts';
import { cancelUrl, successUrl } from '../../../../payments/checkoutSession.ts';
import { checkoutOrderOf } from '../../../../payments/orderFacts.ts';
import type { SimulatedCheckoutEndpoint } from '../../../../payments/setup.ts';
import {
  isRecordedSession,
  orderIdOfSimulatedSession,
  simulatedCheckoutCompleted,
} from '../../../../payments/simulatedObjects.ts';
import {
  SIMULATED_CHECKOUT_CSS_FILE,
  SIMULATED_CHECKOUT_STYLESHEET,
  simulatedCheckoutPage,
} from '../../../../payments/simulatedPage.ts';

/**
 * The request as the access log shows it, without the session id: the URL is the credential, and
 * logs are read by more people than may pay for an order.
 */
const logSerializers = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    url: '/checkout/simulated/[session]',
    host: request.host,
    remoteAddress: request.ip,
  }),
};

const params = z.object({
  sessionId: z
    .string()
    .max(200)
    .describe('the simulated Checkout session id, as recorded on the order (its URL is the credential)'),
});

/**
 * The simulated Checkout (only with `PAYMENTS=simulated`). Pay sends our own webhook a
 * correctly signed `checkout.session.completed` over real HTTP, then redirects to the success URL
 * as Stripe does; the order is submitted by the webhook, exactly as with Stripe.
 */
export const simulatedCheckoutRoutes: FastifyPluginAsync<SimulatedCheckoutEndpoint> = async (app, options) => {
  const css = await readFile(SIMULATED_CHECKOUT_CSS_FILE, 'utf8');
  // The Pay form posts `application/x-www-form-urlencoded`; it carries nothing we read.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 },
    (_request, _body, done) => done(null, {}),
  );

  // Only the session recorded on the order opens its page and pays it; anything else (a guessed
  // id, another or an older session, a made-up order) is answered alike, as no such session.
  const load = async (sessionId: string) => {
    const orderId = orderIdOfSimulatedSession(sessionId);
    const order = orderId ? (await options.loadOrder(orderId)).state : null;
    if (!order || !isRecordedSession(order.checkout?.sessionId, sessionId))
      throw new AppError('NOT_FOUND', 'No such simulated checkout session');
    return order;
  };

  const typed = app.withTypeProvider<ZodTypeProvider>();
  // A fixed path beats the `:sessionId` route below (the router prefers static segments).
  typed.get(
    SIMULATED_CHECKOUT_STYLESHEET,
    { config: { authenticate: false }, schema: { summary: 'Simulated Checkout stylesheet', tags: ['checkout'] } },
    (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  );
  typed.get(
    '/checkout/simulated/:sessionId',
    {
      config: { authenticate: false },
      logSerializers,
      schema: { summary: 'Simulated Checkout page', tags: ['checkout'], params },
    },
    async (request, reply) => {
      const order = await load(request.params.sessionId);
      // The URL is the credential: not cached, not sent on as a referrer.
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .send(simulatedCheckoutPage(order, request.params.sessionId, cancelUrl(options.publicBaseUrl, order.id)));
    },
  );
  typed.post(
    '/checkout/simulated/:sessionId',
    {
      config: { authenticate: false },
      logSerializers,
      schema: { summary: 'Pay a simulated Checkout session', tags: ['checkout'], params },
    },
    async (request, reply) => {
      const order = await load(request.params.sessionId);
      // Not payable any more (paid, canceled): back to the order, as Stripe shows an expired session.
      if (order.orderStatus !== 'draft' || order.payment !== null)
        return reply.redirect(cancelUrl(options.publicBaseUrl, order.id), 303);
      await options.deliver(
        simulatedCheckoutCompleted(
          checkoutOrderOf(order),
          request.params.sessionId,
          options.publicBaseUrl,
          options.now(),
        ),
      );
      return reply.redirect(successUrl(options.publicBaseUrl, order.id), 303);
    },
  );
};

import type { FastifyInstance } from 'fastify';
import type { SubscriptionLimits } from '../../config.ts';
import { attachGraphQLWebSocket } from './ws.ts';
import { fastQueries } from './fastQueries.ts';
import { createGraphQLServer, replyPayload, type GraphQLDeps } from './server.ts';

/**
 * `/graphql` on the fastify app: GraphiQL, queries and mutations over HTTP, subscriptions over
 * SSE (yoga) and WebSocket (`graphql-ws`). On close, subscriptions end first (SSE responses
 * finish, WebSocket clients get `complete` then close 1001), so the server can drain.
 */
export function registerGraphQL(app: FastifyInstance, deps: Omit<GraphQLDeps, 'log'> & { readonly limits: SubscriptionLimits }): void {
  const graphql = createGraphQLServer({ ...deps, log: app.log });
  const ws = attachGraphQLWebSocket(app.server, graphql, deps.authenticator, deps.limits);
  const answerFast = fastQueries(graphql.yoga, { authenticator: deps.authenticator, maskError: graphql.maskError, answered: () => deps.metrics.graphqlAnsweredDirectly() });

  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    // Yoga authenticates itself, so a bad token is answered in GraphQL's error shape.
    config: { authenticate: false },
    handler: async (request, reply) =>
      (await answerFast(request, reply)) ?? replyPayload(await graphql.yoga.handleNodeRequestAndResponse(request, reply, { req: request, reply }), reply),
  });

  // preClose runs before the HTTP server stops: long-lived streams must end or close() would wait forever.
  app.addHook('preClose', async () => {
    await graphql.subscriptions.closeAll();
    await ws.close();
  });
}

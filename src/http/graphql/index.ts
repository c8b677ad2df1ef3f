import type { FastifyInstance } from 'fastify';
import type { SubscriptionLimits } from '../../config.ts';
import { attachGraphQLWebSocket } from './ws.ts';
import { fastQueries } from './fastQueries.ts';
import { DEVELOPER_PAGE_CONTENT_SECURITY_POLICY } from '../securityHeaders.ts';
import { registerGraphiQLAssets } from './graphiql.ts';
import { createGraphQLServer, replyPayload, type GraphQLDeps } from './server.ts';

/**
 * `/graphql` on the fastify app: GraphiQL, queries and mutations over HTTP, subscriptions over
 * SSE (yoga) and WebSocket (`graphql-ws`). On close, subscriptions end first (SSE responses
 * finish, WebSocket clients get `complete` then close 1001), so the server can drain.
 */
export function registerGraphQL(
  app: FastifyInstance,
  deps: Omit<GraphQLDeps, 'log'> & { readonly limits: SubscriptionLimits },
): void {
  const graphql = createGraphQLServer({ ...deps, log: app.log });
  const ws = attachGraphQLWebSocket(app.server, graphql, deps.authenticator, deps.authGuard, deps.limits);
  const answerFast = fastQueries(graphql.yoga, {
    authenticator: deps.authenticator,
    authGuard: deps.authGuard,
    maskError: graphql.maskError,
    answered: () => deps.metrics.graphqlAnsweredDirectly(),
  });

  if (deps.introspection) registerGraphiQLAssets(app);
  app.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    // Yoga authenticates itself, so a bad token is answered in GraphQL's error shape.
    config: { authenticate: false },
    handler: async (request, reply) => {
      const fast = await answerFast(request, reply);
      if (fast !== undefined) return fast;
      const response = await graphql.yoga.handleNodeRequestAndResponse(request, reply, { req: request, reply });
      // The only HTML yoga answers is GraphiQL's page.
      if (response.headers.get('content-type')?.startsWith('text/html'))
        void reply.header('content-security-policy', DEVELOPER_PAGE_CONTENT_SECURITY_POLICY);
      return replyPayload(response, reply);
    },
  });

  // preClose runs before the HTTP server stops: long-lived streams must end or close() would wait forever.
  app.addHook('preClose', async () => {
    await graphql.subscriptions.closeAll();
    await ws.close();
  });
}

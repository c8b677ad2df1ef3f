import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { DEVELOPER_PAGE_CONTENT_SECURITY_POLICY } from '../../securityHeaders.ts';
import type { FastifyPluginAsync } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export interface ApiDocsOptions {
  /** PUBLIC_BASE_URL: the document's server, so "Try it out" calls this server. */
  readonly publicBaseUrl: string;
}

/**
 * The OpenAPI document, generated from the same zod schemas the routes validate with, at
 * `/docs` (Swagger UI) and `/docs/json`. Register it before the routes it documents: it sees the
 * routes registered after it.
 */
export const apiDocsRoutes: FastifyPluginAsync<ApiDocsOptions> = async (app, options) => {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Production orders',
        description:
          'REST API for print-on-demand production orders and the Stripe webhook. Errors are application/problem+json. ' +
          'GraphQL (queries, mutations, subscriptions) lives at /graphql.',
        version: '1.0.0',
      },
      servers: [{ url: options.publicBaseUrl }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [
        { name: 'production', description: 'Production orders' },
        { name: 'catalog', description: 'The garment catalog' },
        { name: 'stripe', description: 'Stripe webhooks' },
        { name: 'checkout', description: 'Simulated Stripe Checkout (only with PAYMENTS=simulated)' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  // Swagger UI adds a <style> element at run time: the developer pages' policy (scripts still 'self' only).
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    transformStaticCSP: () => DEVELOPER_PAGE_CONTENT_SECURITY_POLICY,
  });
};
// Registered in the root context (what fastify-plugin does), so it sees its sibling plugins' routes.
Object.assign(apiDocsRoutes, { [Symbol.for('skip-override')]: true });

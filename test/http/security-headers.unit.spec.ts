import fastifyHelmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, registerSecurityHeaders } from '../../src/http/securityHeaders.ts';

/**
 * The headers are worked out once (helmet's middleware run against a recorder at start-up)
 * instead of by @fastify/helmet, which builds helmet anew for each request: every answer must
 * still carry exactly what the plugin would send, on a route, a route with its own policy, a 404
 * and a refusal by a later hook.
 */
describe('security headers worked out once', () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function appWith(headers: (app: FastifyInstance) => Promise<void>): Promise<FastifyInstance> {
    const app = Fastify();
    apps.push(app);
    await headers(app);
    app.addHook('onRequest', (request, reply, done) => {
      if (request.url === '/refused') return void reply.code(429).send({ refused: true });
      done();
    });
    app.get('/json', () => ({ ok: true }));
    app.get('/page', (_request, reply) =>
      reply.type('text/html').header('content-security-policy', "default-src 'none'").send('<p>page</p>'),
    );
    app.get('/raw', (_request, reply) => {
      reply.hijack();
      reply.raw.end('raw');
    });
    await app.ready();
    return app;
  }

  const headersOf = async (app: FastifyInstance, url: string) => {
    const { headers, statusCode } = await app.inject({ url });
    const { date: _date, ...rest } = headers;
    return { statusCode, headers: rest };
  };

  it.each(['/json', '/page', '/raw', '/no-such-route', '/refused'])(
    'sends on %s what @fastify/helmet sends',
    async (url) => {
      const ours = await appWith((app) => Promise.resolve(registerSecurityHeaders(app)));
      const plugin = await appWith(async (app) => {
        await app.register(fastifyHelmet, HELMET_OPTIONS);
      });
      const expected = await headersOf(plugin, url);
      expect(expected.headers['x-content-type-options']).toBe('nosniff');
      expect(await headersOf(ours, url)).toEqual(expected);
    },
  );
});

import type { IncomingMessage } from 'node:http';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { forwardedAddress } from '../../src/http/rateLimits.ts';

/**
 * Behind TRUST_PROXY_HOPS proxies the client address is taken from X-Forwarded-For: fastify's
 * `request.ip` for HTTP, `forwardedAddress` for a WebSocket upgrade (which fastify never sees).
 * Both must name the same client, or a flood over one transport would escape its budget.
 */
describe('the client address behind trusted proxies', () => {
  const cases: [number, string | undefined][] = [
    [0, '203.0.113.7, 10.0.0.2'],
    [1, undefined],
    [1, '203.0.113.7'],
    [1, '198.51.100.1, 203.0.113.7'],
    [2, '198.51.100.1, 203.0.113.7'],
    [2, '203.0.113.7'],
    [3, ' 192.0.2.1 ,198.51.100.1,203.0.113.7'],
  ];

  it.each(cases)('with %i hop(s) and X-Forwarded-For %s, is what fastify says it is', async (hops, header) => {
    const app = Fastify({ trustProxy: hops > 0 ? (_address: string, hop: number) => hop < hops : false });
    app.get('/', (request) => ({ ip: request.ip, ours: forwardedAddress(request.raw, hops) }));
    const response = await app.inject({
      url: '/',
      remoteAddress: '10.0.0.9',
      headers: header === undefined ? {} : { 'x-forwarded-for': header },
    });
    const { ip, ours } = response.json<{ ip: string; ours: string }>();
    expect(ours).toBe(ip);
    await app.close();
  });

  it('is the connection address with no proxy trusted, whatever the header says', () => {
    const message = {
      socket: { remoteAddress: '10.0.0.9' },
      headers: { 'x-forwarded-for': '203.0.113.7' },
    } as unknown as IncomingMessage;
    expect(forwardedAddress(message, 0)).toBe('10.0.0.9');
    expect(forwardedAddress(message, 1)).toBe('203.0.113.7');
  });
});

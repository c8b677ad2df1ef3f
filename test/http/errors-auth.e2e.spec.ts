import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../src/domain/errors.ts';
import { newId, type RunningApp, startApp } from '../support/http.ts';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Routes standing in for the REST API, to drive the shared error handler and authentication. */
const testRoutes: FastifyPluginAsync = async (app) => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.post(
    '/test/orders',
    {
      schema: {
        body: z.object({
          garmentId: z.string().min(1),
          sizes: z.array(z.object({ size: z.string(), quantity: z.number().int().min(1) })).min(1),
        }),
      },
    },
    (request) => ({ ok: true, items: request.body.sizes.length }),
  );
  typed.get('/test/me', (request) => ({
    viewer: request.viewer ? { id: request.viewer.id, isOperator: request.viewer.isOperator } : null,
  }));
  typed.get('/test/boom', () => {
    throw new Error('connection to 10.0.0.7:5432 refused: password for user admin');
  });
  typed.get('/test/hold', () => {
    throw new AppError('ORDER_ON_HOLD', 'Cannot approve the order: the order is on hold');
  });
  await Promise.resolve();
};

describe('errors and authentication over HTTP', () => {
  let running: RunningApp;
  const logged: string[] = [];
  beforeAll(async () => {
    running = await startApp({
      routes: [testRoutes],
      logger: { level: 'error', stream: { write: (line: string) => void logged.push(line) } },
    });
  });
  afterAll(() => running.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${running.url}${path}`, { headers });

  it('answers a valid token with its viewer, and no token as anonymous', async () => {
    const userId = newId();
    const signedIn = await get('/test/me', { authorization: `Bearer ${await running.token(userId)}` });
    expect(await signedIn.json()).toEqual({ viewer: { id: userId, isOperator: false } });
    expect(await (await get('/test/me')).json()).toEqual({ viewer: null });
  });

  it.each([
    ['an expired token', async () => running.token(newId(), { now: new Date(Date.now() - 13 * 3600_000) })],
    [
      'a token signed with another secret',
      async () => running.token(newId(), { secret: 'another-secret-of-at-least-32-characters!' }),
    ],
    ['a token for another audience', async () => running.token(newId(), { audience: 'anon' })],
    [
      'an unsigned token (alg: none)',
      () =>
        Promise.resolve(
          `${b64({ alg: 'none' })}.${b64({ sub: randomUUID(), aud: 'authenticated', exp: 4102444800 })}.`,
        ),
    ],
    ['a token that is not a JWT', () => Promise.resolve('abc')],
  ])('refuses %s with a 401 problem', async (_name, makeToken) => {
    const response = await get('/test/me', { authorization: `Bearer ${await makeToken()}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      type: '/problems/unauthenticated',
      title: 'Unauthenticated',
    });
  });

  it('lists every invalid field of a body in one 400 problem', async () => {
    const response = await fetch(`${running.url}/test/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ garmentId: '', sizes: [{ size: 'M', quantity: 0 }, { quantity: 2 }] }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = await response.json();
    expect(body).toMatchObject({
      type: '/problems/bad-user-input',
      title: 'Bad user input',
      status: 400,
      code: 'BAD_USER_INPUT',
    });
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'garmentId',
      'sizes.0.quantity',
      'sizes.1.size',
    ]);
  });

  it('answers a malformed JSON body with 400, not 500', async () => {
    const response = await fetch(`${running.url}/test/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"garmentId": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      status: 400,
      code: 'BAD_USER_INPUT',
      errors: [expect.objectContaining({ path: '' })],
    });
  });

  it('answers an unsupported content type with 415', async () => {
    const response = await fetch(`${running.url}/test/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<a/>',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('maps an AppError to its status and code', async () => {
    const response = await get('/test/hold');
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      type: '/problems/order-on-hold',
      title: 'Order on hold',
      status: 409,
      code: 'ORDER_ON_HOLD',
      detail: 'Cannot approve the order: the order is on hold',
    });
  });

  it('masks an unexpected error as 500 and logs it with the request id', async () => {
    const response = await get('/test/boom');
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body).toMatchObject({
      status: 500,
      code: 'INTERNAL',
      detail: 'An unexpected error occurred; it has been logged.',
    });
    expect(JSON.stringify(body)).not.toContain('10.0.0.7');
    const requestId = String(body.instance).replace('urn:request:', '');
    expect(logged.some((line) => line.includes('10.0.0.7') && line.includes(requestId))).toBe(true);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await get('/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

import { describe, expect, it } from 'vitest';
import { newId, request } from '../../../support/http.ts';
import { perSuite } from '../../../support/suite.ts';
import { openStack } from '../../../support/stack.ts';

describe('the OpenAPI document at /docs', () => {
  const stack = perSuite(() => openStack({ payments: 'stripe' }));

  it('describes the production routes and the webhook from their zod schemas', async () => {
    const answer = await request(stack.url, 'GET', '/docs/json');
    expect(answer.status).toBe(200);
    const spec = answer.body;
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/production', '/api/production/{id}', '/api/stripe/webhook']),
    );
    const create = spec.paths['/api/production'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['designUrl', 'garmentId', 'sizes']));
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.sizes.items.properties.quantity).toMatchObject({ minimum: 1, maximum: 10000 });
    expect(body.properties.priority.enum).toEqual(['rush', 'standard', 'hold']);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '502']));
    expect(Object.keys(spec.paths['/api/production/{id}'].patch.responses)).toEqual(
      expect.arrayContaining(['200', '409', '412']),
    );
  });

  it('gives examples that succeed as they stand with "Try it out"', async () => {
    const spec = (await request(stack.url, 'GET', '/docs/json')).body;
    const createExample = spec.paths['/api/production'].post.requestBody.content['application/json'].schema.example;
    const patchExample =
      spec.paths['/api/production/{id}'].patch.requestBody.content['application/json'].schema.example;
    const customer = await stack.token(newId());
    const created = await request(stack.url, 'POST', '/api/production', { token: customer, body: createExample });
    expect(created.status).toBe(201);
    const patched = await request(stack.url, 'PATCH', `/api/production/${created.body.orderId}`, {
      token: stack.operator,
      body: patchExample,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.order).toMatchObject({ priority: 'Hold', notes: 'check the art' });
  });

  it('is linked from the index at /', async () => {
    const index = await request(stack.url, 'GET', '/');
    expect(index.body).toMatchObject({
      graphql: '/graphql',
      docs: '/docs',
      rest: '/api/production',
      garments: '/api/garments',
    });
  });

  it('serves Swagger UI', async () => {
    const answer = await request(stack.url, 'GET', '/docs/');
    expect(answer.status).toBe(200);
    expect(String(answer.body)).toMatch(/swagger/i);
  });
});

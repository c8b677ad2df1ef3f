import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startStack, type Stack } from './harness.ts';

describe('the OpenAPI document at /docs', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ docs: true });
  });
  afterAll(() => stack.close());

  it('describes the production routes and the webhook from their zod schemas', async () => {
    const answer = await request(stack.url, 'GET', '/docs/json');
    expect(answer.status).toBe(200);
    const spec = answer.body;
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/production', '/api/production/{id}', '/api/stripe/webhook']));
    const create = spec.paths['/api/production'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['designUrl', 'garmentId', 'sizes']));
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.sizes.items.properties.quantity).toMatchObject({ minimum: 1, maximum: 10000 });
    expect(body.properties.priority.enum).toEqual(['rush', 'standard', 'hold']);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '502']));
    expect(Object.keys(spec.paths['/api/production/{id}'].patch.responses)).toEqual(expect.arrayContaining(['200', '409', '412']));
  });

  it('serves Swagger UI', async () => {
    const answer = await request(stack.url, 'GET', '/docs/');
    expect(answer.status).toBe(200);
    expect(String(answer.body)).toMatch(/swagger/i);
  });
});

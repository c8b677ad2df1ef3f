import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonResponse, newId } from '../../../../support/http.ts';
import { openStack, orderBody, type Stack } from '../../../../support/stack.ts';

/** Answers with their size in bytes, as the client received them. */
async function post(
  url: string,
  path: string,
  token: string,
  body: unknown,
): Promise<Pick<JsonResponse, 'status' | 'body'> & { bytes: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    bytes: Buffer.byteLength(text),
    ms: performance.now() - started,
    body: JSON.parse(text),
  };
}

/** A flood of bad input is refused early and briefly: one problem per oversized list, a capped list of the rest. */
describe('bounded refusals', () => {
  let stack: Stack;
  let customer: string;
  let operator: string;
  beforeAll(async () => {
    stack = await openStack();
    customer = await stack.token(newId());
    operator = stack.operator;
  });
  afterAll(() => stack.close());

  it('refuses 30,000 empty line items with one small 400, quickly', async () => {
    const before = await stack.eventCount();
    const answer = await post(
      stack.url,
      '/api/production',
      customer,
      orderBody({ sizes: Array.from({ length: 30_000 }, () => ({})) }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: 'sizes', message: 'must list at most 50 line items (got 30000)' }]);
    expect(answer.bytes).toBeLessThan(2048);
    expect(answer.ms).toBeLessThan(1500);
    expect(await stack.eventCount()).toBe(before);
  });

  it('lists the first 20 of 200 invalid fields and counts the rest', async () => {
    const unknown = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`extra${i}`, i]));
    const answer = await post(stack.url, '/api/production', customer, orderBody(unknown));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toHaveLength(20);
    expect(answer.body.omittedErrors).toBe(180);
    expect(answer.body.detail).toMatch(/; and 180 more$/);
    expect(answer.bytes).toBeLessThan(4096);
  });

  it('refuses 30,000 GraphQL line items with one small error, quickly', async () => {
    const sizes = Array.from({ length: 30_000 }, () => ({ size: 'M', quantity: 1 }));
    const input = { designUrl: 'https://cdn.example.com/fox.png', garmentId: 'classic-tee', sizes };
    const answer = await post(stack.url, '/graphql', customer, {
      query: 'mutation($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { checkoutUrl } }',
      variables: { input },
    });
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ path: 'input.sizes' }],
    });
    expect(answer.bytes).toBeLessThan(2048);
    expect(answer.ms).toBeLessThan(1500);
  });

  it('refuses 30,000 empty GraphQL line items with a small answer', async () => {
    const input = {
      designUrl: 'https://cdn.example.com/fox.png',
      garmentId: 'classic-tee',
      sizes: Array.from({ length: 30_000 }, () => ({})),
    };
    const answer = await post(stack.url, '/graphql', customer, {
      query: 'mutation($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { checkoutUrl } }',
      variables: { input },
    });
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ path: 'input.sizes', message: 'must list at most 100 items' }],
    });
    expect(answer.bytes).toBeLessThan(2048);
    expect(answer.ms).toBeLessThan(1500);
  });

  it('refuses 10,000 bulk items with a small answer', async () => {
    const items = Array.from({ length: 10_000 }, () => ({ id: newId() }));
    const answer = await post(stack.url, '/graphql', operator, {
      query: 'mutation($input: BulkSetOrderStatusInput!) { bulkSetOrderStatus(input: $input) { results { id } } }',
      variables: { input: { items, status: 'CANCELED', message: 'x' } },
    });
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(answer.bytes).toBeLessThan(2048);
    expect(answer.ms).toBeLessThan(1500);
  });
});

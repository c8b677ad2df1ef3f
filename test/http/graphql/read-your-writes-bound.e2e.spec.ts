import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, newId } from '../../support/http.ts';
import { openStack, type Stack } from '../../support/stack.ts';

const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id } } }';

describe('a write whose change the read model does not show', () => {
  let stack: Stack;
  beforeAll(async () => {
    // No projector anywhere: the read model never reaches the write.
    stack = await openStack({ env: { PROJECTOR: 'off', READ_YOUR_WRITES_TIMEOUT_MS: '300' } });
  });
  afterAll(() => stack?.close());

  it('is answered once READ_YOUR_WRITES_TIMEOUT_MS has passed, not after the longer built-in waits', async () => {
    const token = await stack.token(newId());
    const started = performance.now();
    const response = await graphql(stack.first.url, CREATE, {
      token,
      variables: {
        input: {
          designUrl: 'https://cdn.example.com/designs/fox.png',
          garmentId: 'classic-tee',
          sizes: [{ size: 'M', quantity: 1 }],
        },
      },
    });
    const ms = performance.now() - started;
    expect(response.status).toBe(200);
    // Two waits of 300 ms at most (the write's, then the order's), with room for a slow machine;
    // the built-in 5 s each took 10 s.
    expect(ms).toBeLessThan(3000);
  });
});

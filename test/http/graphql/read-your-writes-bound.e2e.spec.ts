import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { graphql } from '../../support/http.ts';
import { createStack, newId, type Stack } from '../../support/stack.ts';

const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id } } }';

describe('a write whose change the read model does not show', () => {
  let db: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    db = await createTestDatabase();
    // No projector anywhere: the read model never reaches the write.
    stack = await createStack(db.url, { PROJECTOR: 'off', READ_YOUR_WRITES_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await stack?.close();
    await db.close();
  });

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

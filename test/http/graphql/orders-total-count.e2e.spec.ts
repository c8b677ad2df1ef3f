import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, newId } from '../../support/http.ts';
import { openStack, type Stack } from '../../support/stack.ts';

const COUNT = `query ($filter: OrderFilter, $first: Int, $after: String) {
  orders(filter: $filter, first: $first, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } }
}`;

describe('orders { totalCount } over GraphQL', () => {
  let fx: Stack;
  const alice = newId();
  const bob = newId();
  let aliceToken = '';
  const rushNoted: string[] = [];

  beforeAll(async () => {
    fx = await openStack();
    aliceToken = await fx.token(alice);
    const { commands } = fx.first.runtime;
    const design = {
      garmentId: 'classic-tee',
      designUrl: 'https://cdn.example.com/designs/fox.png',
      sizes: [{ size: 'M', quantity: 1 }],
    };
    // Alice: 3 rush orders noted "blue ink", 2 standard; Bob: 4 standard.
    for (let i = 0; i < 3; i++)
      rushNoted.push(
        (
          await commands.createOrder(
            { ...design, priority: 'rush', notes: 'Blue ink only' },
            { actor: { type: 'customer', id: alice } },
          )
        ).orderId,
      );
    for (let i = 0; i < 2; i++) await commands.createOrder(design, { actor: { type: 'customer', id: alice } });
    for (let i = 0; i < 4; i++) await commands.createOrder(design, { actor: { type: 'customer', id: bob } });
    // The read model catches up asynchronously: wait, bounded, for all nine.
    const deadline = Date.now() + 10_000;
    while ((await gql(fx.operator, {})).totalCount !== 9) {
      if (Date.now() > deadline) throw new Error('the read model never showed the nine orders');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(() => fx?.close());

  async function gql(token: string, variables: Record<string, unknown>) {
    const { body } = await graphql(fx.first.url, COUNT, { token, variables });
    expect(body.errors).toBeUndefined();
    return body.data.orders as {
      totalCount: number;
      edges: { node: { id: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  }

  it('counts every order matching the filter, across pages, whatever the page size or cursor', async () => {
    expect((await gql(fx.operator, { filter: { priorities: ['RUSH'] } })).totalCount).toBe(3);
    expect((await gql(fx.operator, { filter: { priorities: ['STANDARD'], userId: bob } })).totalCount).toBe(4);
    expect((await gql(fx.operator, { filter: { search: 'blue INK' } })).totalCount).toBe(3);
    expect((await gql(fx.operator, { filter: { orderStatuses: ['SUBMITTED'] } })).totalCount).toBe(0);
    expect(
      (await gql(fx.operator, { filter: { createdFrom: new Date(Date.now() + 60_000).toISOString() } })).totalCount,
    ).toBe(0);
    const firstPage = await gql(fx.operator, { first: 2 });
    expect(firstPage.edges).toHaveLength(2);
    expect(firstPage.totalCount).toBe(9);
    // The total is of the whole list, not of what is left after the cursor.
    const second = await gql(fx.operator, { first: 2, after: firstPage.pageInfo.endCursor });
    expect(second.totalCount).toBe(9);
  });

  it('counts only what the viewer may see: a customer gets the count of their own orders', async () => {
    expect((await gql(aliceToken, {})).totalCount).toBe(5);
    expect((await gql(aliceToken, { filter: { priorities: ['RUSH'] } })).totalCount).toBe(3);
  });

  it("refuses a bad filter with the list's own error, and runs no count when the field is not asked for", async () => {
    const { body } = await graphql(fx.first.url, COUNT, {
      token: fx.operator,
      variables: { filter: { userId: 'not-a-uuid' } },
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const db = fx.first.runtime.pool as unknown as { query: (...args: unknown[]) => unknown };
    const original = db.query;
    const statements: string[] = [];
    db.query = function (this: unknown, ...args: unknown[]) {
      const first = args[0];
      statements.push(typeof first === 'string' ? first : String((first as { text?: string }).text ?? ''));
      return original.apply(this, args);
    };
    try {
      const withoutCount = await graphql(fx.first.url, '{ orders(first: 2) { edges { node { id } } } }', {
        token: fx.operator,
      });
      expect(withoutCount.body.errors).toBeUndefined();
      expect(statements.filter((s) => s.includes('count(*)'))).toEqual([]);
      await gql(fx.operator, { first: 2 });
      expect(statements.filter((s) => s.includes('count(*)'))).toHaveLength(1);
    } finally {
      db.query = original;
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, type Json, newId, waitFor } from '../../support/http.ts';
import { openStack, type Server, type Stack } from '../../support/stack.ts';

const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id createdAt } } }';
const INPUT = {
  designUrl: 'https://cdn.example.com/designs/owl.png',
  garmentId: 'classic-tee',
  sizes: [{ size: 'S', quantity: 1 }],
};

interface Change {
  readonly id: string;
  readonly notes: string | null;
  readonly matches: boolean;
}

describe("the dashboard feed applies the list's filter", () => {
  let fx: Stack;
  let server: Server;

  beforeAll(async () => {
    fx = await openStack();
    [server] = fx.servers as [Server];
  });
  afterAll(() => fx.close());

  const gql = async (query: string, variables: Record<string, unknown> = {}, token = fx.operator): Promise<Json> => {
    const { body } = await graphql(server.url, query, { token, variables });
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const place = async (token: string, input: Record<string, unknown>) =>
    (await gql(CREATE, { input: { ...INPUT, ...input } }, token)).createProductionOrder.order as {
      id: string;
      createdAt: string;
    };
  const setNotes = (id: string, notes: string) =>
    gql('mutation ($id: ID!, $notes: String!) { updateOrderNotes(id: $id, notes: $notes) { id } }', { id, notes });

  it('answers matches(filter:) for every order exactly as orders(filter:) lists it, for each part of the filter', async () => {
    const [one, two] = [newId(), newId()];
    const placed = [
      await place(await fx.token(one), { priority: 'RUSH', notes: 'Blue ink, 50% larger' }),
      await place(await fx.token(one), { notes: 'blue INK' }),
      await place(await fx.token(two), { priority: 'RUSH', notes: '500 copies' }),
      await place(await fx.token(two), {}),
    ];
    const middle = placed[2]!.createdAt;
    const filters: Record<string, unknown>[] = [
      {},
      { priorities: ['RUSH'] },
      { orderStatuses: ['DRAFT'] },
      { orderStatuses: ['SUBMITTED', 'CANCELED'] },
      { userId: one },
      { userId: two.toUpperCase() },
      { createdFrom: middle },
      { createdTo: middle },
      { search: 'BLUE' },
      { search: '50%' },
      { search: '   ' },
      { priorities: ['STANDARD'], search: 'ink', userId: one },
    ];
    for (const filter of filters) {
      const listed = await gql(
        'query ($filter: OrderFilter) { orders(filter: $filter, first: 50) { edges { node { id } } } }',
        { filter },
      );
      const inList = new Set((listed.orders.edges as { node: { id: string } }[]).map((edge) => edge.node.id));
      for (const { id } of placed) {
        const { order } = await gql(
          'query ($id: ID!, $filter: OrderFilter) { order(id: $id) { matches(filter: $filter) } }',
          { id, filter },
        );
        expect({ filter, id, matches: order.matches }).toEqual({ filter, id, matches: inList.has(id) });
      }
    }
    // The filters above tell the orders apart (a rule that ignored a part would pass nothing here).
    const matching = async (filter: Record<string, unknown>) =>
      (
        await Promise.all(
          placed.map(
            async ({ id }) =>
              (
                await gql('query ($id: ID!, $filter: OrderFilter) { order(id: $id) { matches(filter: $filter) } }', {
                  id,
                  filter,
                })
              ).order.matches as boolean,
          ),
        )
      )
        .map(Number)
        .join('');
    expect(await matching({ search: '50%' })).toBe('1000');
    expect(await matching({ createdFrom: middle })).toBe('0011');
    expect(await matching({ createdTo: middle })).toBe('1110');
    expect(await matching({ priorities: ['STANDARD'], search: 'ink', userId: one })).toBe('0100');
  });

  it('refuses a bad filter in matches(filter:) and ordersChanged with the problems orders(filter:) names', async () => {
    const bad = { userId: 'not-a-user', search: 'x'.repeat(201) };
    const expected = {
      code: 'BAD_USER_INPUT',
      fields: [
        { path: 'filter.userId', message: 'must be a uuid' },
        { path: 'filter.search', message: 'must be text of at most 200 characters' },
      ],
    };
    const listed = await graphql(
      server.url,
      'query ($filter: OrderFilter) { orders(filter: $filter) { totalCount } }',
      { token: fx.operator, variables: { filter: bad } },
    );
    expect(listed.body.errors[0].extensions).toMatchObject(expected);
    const order = await place(await fx.token(newId()), {});
    const matched = await graphql(
      server.url,
      'query ($id: ID!, $filter: OrderFilter) { order(id: $id) { matches(filter: $filter) } }',
      { token: fx.operator, variables: { id: order.id, filter: bad } },
    );
    expect(matched.body.errors[0].extensions).toMatchObject(expected);
    const feed = fx.ws(server, fx.operator).iterate({
      query: 'subscription ($filter: OrderFilter) { ordersChanged(filter: $filter) { id } }',
      variables: { filter: bad },
    });
    const refusal = await feed.next().catch((error: unknown) => ({ value: { errors: error } }));
    expect(JSON.stringify(refusal.value)).toContain('BAD_USER_INPUT');
    expect(JSON.stringify(refusal.value)).toContain('filter.userId');
    await feed.return?.();
  });

  it('with leaving, also sends the change that takes an order out of the filter, once, with matches false', async () => {
    const mark = `mark-${newId().slice(0, 8)}`;
    const customer = await fx.token(newId());
    const listed = await place(customer, { notes: `listed ${mark}` });
    const other = await place(customer, { notes: 'not in the filter' });
    const selection = `filter: { search: "${mark}" }`;
    const leaving: Change[] = [];
    const plain: Change[] = [];
    const follow = (into: Change[], args: string) =>
      fx.ws(server, fx.operator).subscribe<{ ordersChanged: Change }>(
        { query: `subscription { ordersChanged(${args}) { id notes matches(${selection}) } }` },
        {
          next: (result) => result.data && into.push(result.data.ordersChanged),
          error: (error) => into.push({ id: 'error', notes: JSON.stringify(error), matches: false }),
          complete: () => undefined,
        },
      );
    follow(leaving, `${selection}, leaving: true`);
    follow(plain, selection);
    const mine = (changes: Change[]) => changes.filter((change) => change.id === listed.id || change.id === other.id);
    // Both feeds are live once a matching change reaches them.
    await waitFor(async () => {
      await setNotes(listed.id, `listed ${mark} ${Date.now()}`);
      await waitFor(() => expect(plain.length).toBeGreaterThan(0), 1000);
      await waitFor(() => expect(leaving.length).toBeGreaterThan(0), 1000);
    }, 15_000);
    leaving.length = 0;
    plain.length = 0;

    // An order the feed has not heard of may be listed: its first change goes out, then no more.
    await setNotes(other.id, 'still not in the filter');
    await setNotes(other.id, 'and again not');
    await setNotes(listed.id, 'left the filter');
    await waitFor(() =>
      expect(mine(leaving).at(-1)).toEqual({ id: listed.id, notes: 'left the filter', matches: false }),
    );
    await setNotes(listed.id, 'still out');
    await setNotes(listed.id, `back ${mark}`);
    await waitFor(() => expect(mine(leaving).at(-1)).toEqual({ id: listed.id, notes: `back ${mark}`, matches: true }));
    await waitFor(() => expect(mine(plain).at(-1)).toEqual({ id: listed.id, notes: `back ${mark}`, matches: true }));

    const heardOfOther = mine(leaving).filter((change) => change.id === other.id);
    expect(heardOfOther).toHaveLength(1);
    expect(heardOfOther[0]?.matches).toBe(false);
    expect(mine(leaving).filter((change) => change.id === listed.id)).toEqual([
      { id: listed.id, notes: 'left the filter', matches: false },
      { id: listed.id, notes: `back ${mark}`, matches: true },
    ]);
    // Without `leaving`: matching changes only, as the contract has it.
    expect(mine(plain)).toEqual([{ id: listed.id, notes: `back ${mark}`, matches: true }]);
  });
});

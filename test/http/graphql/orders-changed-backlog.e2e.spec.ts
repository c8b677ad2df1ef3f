import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePosition, comparePositions } from '../../../src/eventstore/eventStore.ts';
import { findOrders } from '../../../src/projections/index.ts';
import { graphql, newId, waitFor } from '../../support/http.ts';
import { openStack, type Server, type Stack } from '../../support/stack.ts';

const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id } } }';
const INPUT = {
  designUrl: 'https://cdn.example.com/designs/owl.png',
  garmentId: 'classic-tee',
  sizes: [{ size: 'S', quantity: 1 }],
};

interface Delivered {
  readonly id: string;
  readonly version: number;
  readonly position: string;
  readonly priority: string;
}

describe('the dashboard under a burst of changes', () => {
  let fx: Stack;
  let a: Server;
  let b: Server;

  beforeAll(async () => {
    // A second process on the same database: mutations reach one, subscribers sit on the other.
    fx = await openStack({ servers: 2 });
    [a, b] = fx.servers as [Server, Server];
  });
  afterAll(() => fx.close());

  const dashboard = (filter: string) => {
    const client = fx.ws(b, fx.operator);
    const delivered: Delivered[] = [];
    const errors: unknown[] = [];
    client.subscribe<{ ordersChanged: Delivered }>(
      { query: `subscription { ordersChanged${filter} { id version position priority } }` },
      {
        next: (result) => (result.data ? delivered.push(result.data.ordersChanged) : errors.push(result.errors)),
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    return { delivered, errors };
  };
  const mutate = async (query: string) => {
    const { body } = await graphql(a.url, query, { token: fx.operator });
    expect(body.errors).toBeUndefined();
    return body.data as Record<string, unknown>;
  };

  it("brings every dashboard to each order's newest state, never sending an order older than one it sent", async () => {
    const everything = dashboard('');
    const rushOnly = dashboard('(filter: { priorities: [RUSH] })');
    await new Promise((resolve) => setTimeout(resolve, 200)); // graphql-ws gives no "subscribed" signal
    const customer = await fx.token(newId());
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1)
      ids.push(
        (
          (await graphql(a.url, CREATE, { token: customer, variables: { input: INPUT } })).body.data
            .createProductionOrder.order as { id: string }
        ).id,
      );
    // Many changes to several orders at once: the dashboards fall behind and catch up in batches.
    const finals = await Promise.all(
      ids.map(async (id, i) => {
        for (let n = 0; n < 5; n += 1)
          await mutate(`mutation { postOrderMessage(id: "${id}", message: "burst ${n}") { version } }`);
        const priority = i % 2 === 0 ? 'RUSH' : 'STANDARD';
        return (
          await mutate(
            `mutation { setOrderPriority(id: "${id}", priority: ${priority}) { id version position priority } }`,
          )
        ).setOrderPriority as Delivered;
      }),
    );
    const newest = (seen: Delivered[], id: string) => seen.filter((d) => d.id === id).at(-1);
    await waitFor(() => finals.every((f) => newest(everything.delivered, f.id)?.version === f.version) || undefined);
    const rushFinals = finals.filter((f) => f.priority === 'RUSH');
    await waitFor(() => rushFinals.every((f) => newest(rushOnly.delivered, f.id)?.version === f.version) || undefined);

    expect(everything.errors).toEqual([]);
    expect(rushOnly.errors).toEqual([]);
    expect(rushOnly.delivered.every((d) => d.priority === 'RUSH')).toBe(true);
    for (const seen of [everything.delivered, rushOnly.delivered]) {
      for (const id of ids) {
        const positions = seen.filter((d) => d.id === id).map((d) => parsePosition(d.position));
        positions.slice(1).forEach((p, i) => expect(comparePositions(p!, positions[i]!)).toBeGreaterThan(0));
      }
    }
  });

  it('reads several orders in one statement, leaving out ids that are missing or not uuids', async () => {
    const customer = await fx.token(newId());
    const id = (
      (await graphql(a.url, CREATE, { token: customer, variables: { input: INPUT } })).body.data.createProductionOrder
        .order as { id: string }
    ).id;
    const pool = new pg.Pool({ connectionString: fx.db.url, max: 1 });
    try {
      await waitFor(async () => (await findOrders(pool, [id])).size === 1 || undefined);
      const missing = newId();
      const found = await findOrders(pool, [id.toUpperCase(), missing, 'not-a-uuid', id]);
      expect([...found.keys()]).toEqual([id]);
      expect(found.get(id)).toMatchObject({ id, version: expect.any(Number) as number });
      expect((await findOrders(pool, [])).size).toBe(0);
    } finally {
      await pool.end();
    }
  });
});

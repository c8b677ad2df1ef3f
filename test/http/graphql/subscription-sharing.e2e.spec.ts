import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, newId } from '../../support/http.ts';
import { openStack, type Server, type Stack } from '../../support/stack.ts';

const CREATE =
  'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id } } }';
const INPUT = {
  designUrl: 'https://cdn.example.com/designs/owl.png',
  garmentId: 'classic-tee',
  sizes: [{ size: 'S', quantity: 1 }],
};
const FOLLOW =
  'subscription ($id: ID!) { orderUpdated(id: $id) { id version allowedActions { action allowed reason } } }';

type Actions = { action: string; allowed: boolean; reason: string | null }[];

describe('subscriptions sharing one execution per change', () => {
  let fx: Stack;
  let server: Server;
  const operators: string[] = [];

  beforeAll(async () => {
    fx = await openStack();
    server = fx.servers[0]!;
    // Two operators: the fixture's and another.
    const second = newId();
    await fx.grantOperator(second);
    operators.push(fx.operator, await fx.token(second));
  });
  afterAll(() => fx.close());

  const follow = (token: string, id: string) => fx.ws(server, token).iterate({ query: FOLLOW, variables: { id } });
  const allowed = (actions: Actions) =>
    actions
      .filter((a) => a.allowed)
      .map((a) => a.action)
      .sort();

  it("gives operators and the owner each their own allowedActions for the same change, and never one of them the other's", async () => {
    const ownerToken = await fx.token(newId());
    const { body } = await graphql(server.url, CREATE, { token: ownerToken, variables: { input: INPUT } });
    const orderId = body.data.createProductionOrder.order.id as string;
    const read = async (token: string) =>
      (await graphql(server.url, `{ order(id: "${orderId}") { allowedActions { action allowed reason } } }`, { token }))
        .body.data.order.allowedActions as Actions;
    const [asOperator, asOwner] = [await read(operators[0]!), await read(ownerToken)];
    // The premise: the two audiences see different actions on this order.
    expect(allowed(asOperator)).not.toEqual(allowed(asOwner));

    const streams = [
      follow(operators[0]!, orderId),
      follow(ownerToken, orderId),
      follow(operators[1]!, orderId),
      follow(ownerToken, orderId),
    ];
    // Subscribed once the server counts them open; then one change reaches all four.
    await expect
      .poll(
        async () =>
          (await (await fetch(`${server.url}/metrics`)).text()).match(
            /graphql_active_subscriptions\{transport="ws"\} (\d+)/,
          )?.[1],
      )
      .toBe('4');
    const posted = await graphql(
      server.url,
      `mutation { postOrderMessage(id: "${orderId}", message: "hello") { version } }`,
      { token: operators[1]! },
    );
    const version = posted.body.data.postOrderMessage.version as number;

    const delivered = await Promise.all(
      streams.map(
        async (stream) => (await stream.next()).value.data.orderUpdated as { version: number; allowedActions: Actions },
      ),
    );
    expect(delivered.map((d) => d.version)).toEqual([version, version, version, version]);
    expect(allowed(delivered[0]!.allowedActions)).toEqual(allowed(asOperator));
    expect(allowed(delivered[2]!.allowedActions)).toEqual(allowed(asOperator));
    expect(allowed(delivered[1]!.allowedActions)).toEqual(allowed(asOwner));
    expect(allowed(delivered[3]!.allowedActions)).toEqual(allowed(asOwner));
    for (const stream of streams) await stream.return?.();
  });
});

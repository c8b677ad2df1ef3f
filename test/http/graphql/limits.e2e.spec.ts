import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_LIMITS } from '../../../src/http/graphql/limits.ts';
import { graphql, type RunningApp, startApp } from '../../support/http.ts';

/** A selection nested `levels` deep through fields that do not exist: only the depth rule can object first. */
const nested = (levels: number): string =>
  Array.from({ length: levels }, (_, i) => `f${i} {`).join(' ') + ' id ' + '}'.repeat(levels);

describe('GraphQL limits', () => {
  let running: RunningApp;
  let resolverCalls = 0;
  beforeAll(async () => {
    running = await startApp({
      garments: {
        list: () => {
          resolverCalls += 1;
          return Promise.resolve([]);
        },
      },
    });
  });
  afterAll(() => running.close());

  const messages = (body: { errors?: { message: string }[] }) => (body.errors ?? []).map((e) => e.message).join('\n');

  it('rejects a query deeper than the limit before any resolver runs', async () => {
    const before = resolverCalls;
    const { body } = await graphql(running.url, `{ garments { id } ${nested(GRAPHQL_LIMITS.maxDepth + 1)} }`);
    expect(messages(body)).toContain(`Query depth limit of ${GRAPHQL_LIMITS.maxDepth} exceeded`);
    expect(body.data).toBeUndefined();
    expect(resolverCalls).toBe(before);
  });

  it('rejects depth hidden in a fragment named __schema (the graphql-armor #772 bypass)', async () => {
    const query = `query { ...__schema } fragment __schema on Query { ${nested(GRAPHQL_LIMITS.maxDepth + 2)} }`;
    const { body } = await graphql(running.url, query);
    expect(messages(body)).toContain('Query depth limit');
  });

  it('counts the real depth of a selection spread through fragments, and still rejects one too deep', async () => {
    // orders.edges.node.events.actor.id: 6 levels, the deepest real query, with the node's
    // selection in fragments (counted 10 when a spread counted two levels).
    const shared = `query { orders { edges { node { ...Node } } } }
      fragment Node on ProductionOrder { ...Events }
      fragment Events on ProductionOrder { events { actor { ...Actor } } }
      fragment Actor on Actor { id }`;
    const { body } = await graphql(running.url, shared);
    expect(messages(body)).not.toContain('Query depth limit');
    // Past validation: what errors there are come from execution (they have a path).
    expect(body.errors?.every((error: { path?: unknown }) => error.path !== undefined)).toBe(true);
    const deeper = `query { orders { edges { node { ...Node } } } }
      fragment Node on ProductionOrder { events { ...Deep } }
      fragment Deep on FulfillmentEvent { ${nested(3)} }`;
    expect(messages((await graphql(running.url, deeper)).body)).toContain(
      `Query depth limit of ${GRAPHQL_LIMITS.maxDepth} exceeded, found 8`,
    );
  });

  it('rejects more aliases than the limit', async () => {
    const aliases = Array.from({ length: GRAPHQL_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: routeStops { id }`).join(
      ' ',
    );
    const { body } = await graphql(running.url, `{ ${aliases} }`);
    expect(messages(body)).toContain(`Aliases limit of ${GRAPHQL_LIMITS.maxAliases} exceeded`);
  });

  it('rejects a document with more tokens than the limit', async () => {
    const fields = Array.from({ length: GRAPHQL_LIMITS.maxTokens }, () => 'id').join(' ');
    const { body } = await graphql(running.url, `{ routeStops { ${fields} } }`);
    expect(messages(body)).toContain(`Token limit of ${GRAPHQL_LIMITS.maxTokens} exceeded`);
  });

  it('rejects more directives than the limit', async () => {
    const directives = Array.from({ length: GRAPHQL_LIMITS.maxDirectives + 1 }, () => '@include(if: true)').join(' ');
    const { body } = await graphql(running.url, `{ routeStops { id ${directives} } }`);
    expect(messages(body)).toContain(`Directives limit of ${GRAPHQL_LIMITS.maxDirectives} exceeded`);
  });

  it('rejects a query over the cost limit', async () => {
    // Twelve aliased pages of orders with every field: under the alias and depth limits, over the cost limit.
    const order = `id reference userId notes status orderStatus createdAt priority etaDays garment { id title sizes }
      lineItems { id size quantity technique } events { id message actor { type id } occurredAt }
      route { id state reachedAt } allowedActions { action allowed reason }`;
    const page = `{ edges { cursor node { ${order} } } pageInfo { hasNextPage endCursor } }`;
    const { body } = await graphql(
      running.url,
      `{ ${Array.from({ length: 12 }, (_, i) => `o${i}: orders ${page}`).join(' ')} }`,
    );
    expect(messages(body)).toContain(`Query Cost limit of ${GRAPHQL_LIMITS.maxCost} exceeded`);
  });

  it('rejects a query text longer than the limit', async () => {
    const { status, body } = await graphql(
      running.url,
      `{ routeStops { id } } # ${'x'.repeat(GRAPHQL_LIMITS.maxQueryLength)}`,
    );
    expect(status).toBe(400);
    expect(messages(body)).toContain(`the limit is ${GRAPHQL_LIMITS.maxQueryLength}`);
  });

  it('does not suggest field names to a client that guesses', async () => {
    const { body } = await graphql(running.url, '{ garment { id } }');
    expect(messages(body)).toContain('Cannot query field "garment"');
    expect(messages(body)).not.toContain('Did you mean');
  });

  it('refuses a batch of operations', async () => {
    const response = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ routeStops { id } }' }, { query: '{ routeStops { id } }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('answers the full introspection query GraphiQL sends when introspection is on', async () => {
    const { body } = await graphql(running.url, getIntrospectionQuery());
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType.name).toBe('Query');
  });
});

describe('GraphQL with introspection off', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ introspection: false });
  });
  afterAll(() => running.close());

  it('refuses __schema and __type but still answers queries', async () => {
    const schema = await graphql(running.url, '{ __schema { types { name } } }');
    const type = await graphql(running.url, '{ __type(name: "Query") { name } }');
    expect(schema.body.errors[0].message).toContain('introspection');
    expect(type.body.errors[0].message).toContain('introspection');
    expect((await graphql(running.url, '{ routeStops { id } }')).body.data.routeStops).toHaveLength(5);
  });

  it('does not serve GraphiQL', async () => {
    const response = await fetch(`${running.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toContain('<html');
  });
});

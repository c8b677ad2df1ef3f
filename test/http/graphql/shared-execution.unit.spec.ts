import { createSchema, createYoga } from 'graphql-yoga';
import { parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { audienceOf, sharedSubscriptionExecution } from '../../../src/http/graphql/sharedExecution.ts';

/** A schema whose subscription hands every subscriber the same payload objects, counting field executions. */
function counting() {
  const payloads = [{ n: 1 }, { n: 2 }];
  let executions = 0;
  const schema = createSchema<{ viewer?: { id: string; isOperator: boolean } }>({
    typeDefs:
      'type Query { ok: Boolean } type Tick { n: Int! seenBy: String } type Subscription { tick(label: String): Tick! }',
    resolvers: {
      Subscription: {
        tick: {
          resolve: (payload: unknown) => payload,
          subscribe: async function* () {
            for (const payload of payloads) yield await Promise.resolve(payload);
          },
        },
      },
      Tick: {
        n: (tick: { n: number }) => {
          executions += 1;
          return tick.n;
        },
        seenBy: (_: unknown, __: unknown, context: { viewer?: { id: string; isOperator: boolean } }) =>
          context.viewer?.isOperator ? 'operator' : (context.viewer?.id ?? null),
      },
    },
  });
  const yoga = createYoga({ schema, plugins: [sharedSubscriptionExecution()] });
  const subscribe = async (
    query: string,
    viewer?: { id: string; isOperator: boolean },
    variables?: Record<string, unknown>,
  ) => {
    const context = { viewer };
    const { subscribe: run, schema: enveloped } = yoga.getEnveloped(context);
    const stream = (await run({
      schema: enveloped,
      document: DOCUMENTS.get(query) ?? DOCUMENTS.set(query, parse(query)).get(query)!,
      contextValue: context,
      variableValues: variables,
    })) as AsyncIterable<ExecutionResult>;
    const values: unknown[] = [];
    for await (const result of stream) values.push(result.data);
    return values;
  };
  return { subscribe, executions: () => executions };
}
const DOCUMENTS = new Map<string, ReturnType<typeof parse>>();

describe('shared subscription execution', () => {
  it('executes each payload once for all subscribers of the same document, variables and audience', async () => {
    const { subscribe, executions } = counting();
    const query = 'subscription { tick { n seenBy } }';
    const operators = await Promise.all([1, 2, 3].map((i) => subscribe(query, { id: `op${i}`, isOperator: true })));
    expect(operators).toEqual(
      [1, 2, 3].map(() => [{ tick: { n: 1, seenBy: 'operator' } }, { tick: { n: 2, seenBy: 'operator' } }]),
    );
    expect(executions()).toBe(2);
  });

  it('executes apart for another audience, other variables or another document', async () => {
    const { subscribe, executions } = counting();
    const query = 'subscription ($label: String) { tick(label: $label) { n seenBy } }';
    expect(await subscribe(query, { id: 'op', isOperator: true }, { label: 'a' })).toEqual([
      { tick: { n: 1, seenBy: 'operator' } },
      { tick: { n: 2, seenBy: 'operator' } },
    ]);
    expect(await subscribe(query, { id: 'alice', isOperator: false }, { label: 'a' })).toEqual([
      { tick: { n: 1, seenBy: 'alice' } },
      { tick: { n: 2, seenBy: 'alice' } },
    ]);
    expect(await subscribe(query, { id: 'bob', isOperator: false }, { label: 'a' })).toEqual([
      { tick: { n: 1, seenBy: 'bob' } },
      { tick: { n: 2, seenBy: 'bob' } },
    ]);
    await subscribe(query, { id: 'op', isOperator: true }, { label: 'b' });
    await subscribe('subscription { tick { n } }', { id: 'op', isOperator: true });
    expect(executions()).toBe(10);
  });

  it('shares nothing without a viewer', async () => {
    const { subscribe, executions } = counting();
    await subscribe('subscription { tick { n } }');
    await subscribe('subscription { tick { n } }');
    expect(executions()).toBe(4);
    expect(audienceOf({ viewer: undefined })).toBeUndefined();
  });
});

import { parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import type { Authenticator } from '../../../src/auth/authenticate.ts';
import { AppError } from '../../../src/domain/errors.ts';
import { createContext } from '../../../src/http/graphql/context.ts';
import { createGraphQLServer } from '../../../src/http/graphql/server.ts';
import { createAuthGuard } from '../../../src/http/rateLimits.ts';

/**
 * Subscriptions over WebSocket run through GraphQLServer.subscribe, beside envelop's result
 * hooks: each error must still be masked as yoga masks it (an AppError keeps its message and
 * code, anything else becomes "Unexpected error." and is logged), whether it is thrown at
 * subscribe, returned in a result, or thrown by the stream.
 */
function setUp(subscribe: () => AsyncGenerator<unknown>, recheck: Authenticator['recheck'] = (viewer) => viewer) {
  const logged: unknown[] = [];
  const log = {
    error: (details: { err?: unknown }) => logged.push(details.err),
    debug() {},
    info() {},
    warn() {},
  } as unknown as FastifyBaseLogger;
  const authenticator: Authenticator = { authenticate: () => Promise.resolve(undefined), recheck };
  const server = createGraphQLServer({
    authenticator,
    authGuard: createAuthGuard(authenticator, { max: 0, windowMs: 1000 }),
    metrics: { subscriptionOpened: () => () => undefined, graphqlAnsweredDirectly: () => undefined },
    garments: { list: () => Promise.resolve([]) },
    introspection: false,
    log,
    resolvers: [{ Subscription: { orderEventAdded: { subscribe, resolve: (payload: unknown) => payload } } }],
  });
  const run = async (): Promise<{ results: ExecutionResult[]; thrown?: Error }> => {
    const context = createContext(
      { id: 'u1', isOperator: false, expiresAt: undefined, credential: 'x' },
      'ws',
      authenticator,
    );
    const { schema } = server.yoga.getEnveloped(context);
    const result = await server.subscribe({
      schema,
      document: parse('subscription { orderEventAdded(id: "o1") { message status } }'),
      contextValue: context,
    });
    if (!(Symbol.asyncIterator in result)) return { results: [result] };
    const results: ExecutionResult[] = [];
    try {
      for await (const value of result) results.push(value);
    } catch (error) {
      return { results, thrown: error as Error };
    }
    return { results };
  };
  return { run, logged, open: () => server.subscriptions.size };
}

describe('WebSocket subscriptions mask their errors as yoga does', () => {
  it('at subscribe: an AppError keeps its code, anything else is masked and logged', async () => {
    const refused = setUp(() => {
      throw new AppError('NOT_FOUND', 'Order o1 not found');
    });
    const {
      results: [notFound],
    } = await refused.run();
    expect(notFound?.errors?.map((error) => [error.message, error.extensions.code])).toEqual([
      ['Order o1 not found', 'NOT_FOUND'],
    ]);
    expect(refused.logged).toEqual([]);

    const broken = setUp(() => {
      throw new Error('connection to 10.0.0.7 refused');
    });
    const {
      results: [unexpected],
    } = await broken.run();
    expect(unexpected?.errors?.map((error) => error.message)).toEqual(['Unexpected error.']);
    expect(broken.logged).toHaveLength(1);
  });

  it('in a delivered result and in an error the stream throws', async () => {
    const { run, logged } = setUp(async function* () {
      yield await Promise.resolve({ message: 'fine', status: 'Queued' });
      // A payload whose field fails: a result with errors.
      yield {
        message: 'x',
        get status() {
          throw new Error('secret internals');
        },
      };
      throw new Error('stream broke at 10.0.0.7');
    });
    const { results, thrown } = await run();
    expect(results[0]).toEqual({ data: { orderEventAdded: { message: 'fine', status: 'QUEUED' } } });
    expect(results[1]?.errors?.map((error) => error.message)).toEqual(['Unexpected error.']);
    expect(thrown?.message).toBe('Unexpected error.');
    expect(logged).toHaveLength(2);
  });

  it('passes an AppError thrown by the stream with its code', async () => {
    const { run } = setUp(async function* () {
      await Promise.resolve();
      yield* [];
      throw new AppError('FORBIDDEN', 'Only operators can follow every order');
    });
    const { thrown } = await run();
    expect([thrown?.message, (thrown as { extensions?: { code?: string } }).extensions?.code]).toEqual([
      'Only operators can follow every order',
      'FORBIDDEN',
    ]);
  });

  it('when the recheck before a delivery fails: an AppError ends it with its code, anything else is masked', async () => {
    const stream = async function* () {
      yield await Promise.resolve({ message: 'fine', status: 'Queued' });
    };
    const expired = setUp(stream, () => Promise.reject(new AppError('UNAUTHENTICATED', 'The token has expired')));
    const { results } = await expired.run();
    expect(results.map((result) => result.errors?.map((error) => [error.message, error.extensions.code]))).toEqual([
      [['The token has expired', 'UNAUTHENTICATED']],
    ]);
    const down = setUp(stream, () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:5432')));
    const { thrown } = await down.run();
    expect(thrown?.message).toBe('Unexpected error.');
    expect(down.logged).toHaveLength(1);
    // Ended, not left open: no transport calls return() after a next() that rejected.
    expect(down.open()).toBe(0);
    expect(expired.open()).toBe(0);
  });
});

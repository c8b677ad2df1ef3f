/**
 * Fast path, see docs/adr/0004-shared-subscription-execution.md. Replaces yoga's subscribe
 * function (graphql-js `subscribe`, one execution per subscriber per event) with one execution
 * per payload for every subscription with the same document, variables and audience: our
 * subscriptions are a few documents subscribed to by many.
 */
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { audienceOf as visibilityAudience } from '../../application/orders/visibility.ts';
import type { GraphQLContext } from './context.ts';

type Shared = ExecutionResult | Promise<ExecutionResult>;

/**
 * Who sees the same result for the same payload: every operator alike (operators' rights do not
 * depend on who they are), a customer only themself. Undefined: nothing is shared.
 */
export function audienceOf(context: Pick<GraphQLContext, 'viewer'>): string | undefined {
  return context.viewer ? visibilityAudience(context.viewer) : undefined;
}

/**
 * Executes a subscription's selection once per delivered payload for every subscription asking
 * the same thing: same document (the parser cache hands out one DocumentNode per query text),
 * operation, variables and audience. A change reaching a thousand subscribers is a handful of
 * executions, not a thousand: the subscriptions' payloads (orders read once per change by the
 * change loader) are the same objects for all of them, so results are remembered per payload
 * object and forgotten with it.
 *
 * Replaces the subscribe function: keep this plugin after any other that sets one. The source
 * stream still comes from the schema's own `subscribe` resolvers (authorisation at start), and
 * the subscription tracker still re-checks every subscriber before each delivery.
 */
export function sharedSubscriptionExecution(subscribe: SharedSubscribe = sharedSubscribe()): Plugin {
  return {
    onSubscribe: ({ setSubscribeFn }) => {
      setSubscribeFn(subscribe);
    },
  };
}

export type SharedSubscribe = (
  args: ExecutionArgs,
) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;

/**
 * The subscribe function behind `sharedSubscriptionExecution`: the source stream from the
 * schema's own `subscribe` resolvers, each payload executed once per shared key. Also called
 * directly by the WebSocket transport (see `GraphQLServer.subscribe`).
 */
export function sharedSubscribe(): SharedSubscribe {
  const documentIds = new WeakMap<DocumentNode, number>();
  let documents = 0;
  const results = new WeakMap<object, Map<string, Shared>>();

  const executeShared = (args: ExecutionArgs, key: string | undefined, payload: unknown): Shared => {
    if (key === undefined || typeof payload !== 'object' || payload === null)
      return execute({ ...args, rootValue: payload });
    let byKey = results.get(payload);
    if (!byKey) results.set(payload, (byKey = new Map<string, Shared>()));
    let result = byKey.get(key);
    if (!result) byKey.set(key, (result = execute({ ...args, rootValue: payload })));
    return result;
  };

  return async (args: ExecutionArgs) => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const audience = audienceOf(args.contextValue as GraphQLContext);
    let documentId = documentIds.get(args.document);
    if (documentId === undefined) documentIds.set(args.document, (documentId = documents++));
    const key =
      audience === undefined
        ? undefined
        : `${documentId}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}|${audience}`;
    return mapStream(source, (payload) => executeShared(args, key, payload));
  };
}

/** Each value of `source` through `map`; ending the result ends the source (its listeners go). */
function mapStream<T, U>(source: AsyncIterable<T>, map: (value: T) => U | Promise<U>): AsyncIterableIterator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const close = async (): Promise<IteratorResult<U>> => {
    await iterator.return?.();
    return { done: true, value: undefined };
  };
  // Made once per stream, not per value: a promise chain rather than an async next().
  const failed = async (error: unknown): Promise<never> => {
    await close().catch(() => undefined);
    throw error;
  };
  const mapped = (value: U): IteratorResult<U> => ({ done: false, value });
  const step = (result: IteratorResult<T>): IteratorResult<U> | Promise<IteratorResult<U>> => {
    if (result.done) return { done: true, value: undefined };
    let value: U | Promise<U>;
    try {
      value = map(result.value);
    } catch (error) {
      return failed(error);
    }
    return value instanceof Promise ? value.then(mapped, failed) : mapped(value);
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => iterator.next().then(step),
    return: close,
    async throw(error: unknown) {
      await close();
      throw error;
    },
  };
}

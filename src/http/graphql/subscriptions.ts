import { GraphQLError, type ExecutionResult } from 'graphql';
import { AppError } from '../../domain/errors.ts';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { isAppError } from '../../domain/errors.ts';
import type { Metrics } from '../../metrics.ts';
import { CONTROLLER, type InternalContext } from './context.ts';
import { toGraphQLError } from './errors.ts';

type Result = ExecutionResult;

/** SSE streams (one subscription each) a user, and everyone together, may hold open at once. */
export interface StreamLimits {
  readonly maxPerUser: number;
  readonly maxInAll: number;
}

/**
 * Every open subscription, whatever its transport: counted in the metrics, re-authenticated
 * before each delivery (an expired token ends it with UNAUTHENTICATED), and ended cleanly on
 * shutdown so SSE responses finish and WebSocket clients get `complete`.
 */
export class SubscriptionTracker {
  readonly #open = new Map<() => void, Promise<void>>();
  #closing = false;
  /** Open SSE streams, in all and per signed-in user (WebSocket sockets are capped in ws.ts). */
  #streams = 0;
  readonly #streamsByUser = new Map<string, number>();

  constructor(
    private readonly metrics: Pick<Metrics, 'subscriptionOpened'>,
    private readonly limits: StreamLimits = {
      maxPerUser: Number.POSITIVE_INFINITY,
      maxInAll: Number.POSITIVE_INFINITY,
    },
  ) {}

  get size(): number {
    return this.#open.size;
  }

  /**
   * An envelop plugin that wraps every subscription's result stream, and refuses an SSE
   * subscription over the caps with RATE_LIMITED (429) before anything runs.
   */
  plugin(): Plugin {
    return {
      onSubscribe: ({ args }) => {
        const context = args.contextValue as unknown as InternalContext;
        if (context.transport === 'sse') this.#refuseOverCap(context.viewer?.id);
        return {
          onSubscribeResult: ({ result, setResult, args }) => {
            if (isAsyncIterable(result)) setResult(this.track(result, args.contextValue as unknown as InternalContext));
          },
        };
      },
    };
  }

  #refuseOverCap(userId: string | undefined): void {
    const mine = userId === undefined ? 0 : (this.#streamsByUser.get(userId) ?? 0);
    if (this.#streams >= this.limits.maxInAll)
      throw rateLimited(`The server holds its limit of ${this.limits.maxInAll} live streams; try again later`);
    if (mine >= this.limits.maxPerUser)
      throw rateLimited(`At most ${this.limits.maxPerUser} live streams per user; close one first`);
  }

  /** Counts an SSE stream while it is open; returns its uncount. */
  #countStream(context: InternalContext): () => void {
    if (context.transport !== 'sse') return () => undefined;
    const userId = context.viewer?.id;
    this.#streams += 1;
    if (userId !== undefined) this.#streamsByUser.set(userId, (this.#streamsByUser.get(userId) ?? 0) + 1);
    return () => {
      this.#streams -= 1;
      if (userId === undefined) return;
      const left = (this.#streamsByUser.get(userId) ?? 1) - 1;
      if (left > 0) this.#streamsByUser.set(userId, left);
      else this.#streamsByUser.delete(userId);
    };
  }

  /**
   * Ends every open subscription (later ones end at once) and waits, up to `graceMs`, until each
   * transport has seen the end: SSE responses finished, WebSocket `complete` sent.
   */
  async closeAll(graceMs = 2000): Promise<void> {
    this.#closing = true;
    const drained = [...this.#open.values()];
    for (const close of [...this.#open.keys()]) close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(drained), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    // The transports write their last frame (`complete`, the end of the SSE body) in the
    // microtasks after they saw the end: let those run before sockets are closed.
    await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * With `mask` (a transport that bypasses envelop's result hooks, see GraphQLServer.subscribe),
   * errors in results and errors the stream throws are masked here, as yoga's masking would.
   */
  track(
    source: AsyncIterable<Result>,
    context: InternalContext,
    mask?: (error: unknown) => Error,
  ): AsyncIterableIterator<Result> {
    const iterator = source[Symbol.asyncIterator]();
    const metered = this.metrics.subscriptionOpened(context.transport);
    const uncountStream = this.#countStream(context);
    const counted = () => {
      metered();
      uncountStream();
    };
    let finished = false;
    // Ends the next() in flight when the subscription finishes. Not a Promise.race against one
    // long-lived "stopped" promise: each race left a reaction on it, and each reaction kept its
    // delivered payload alive until the subscription ended (a dashboard: a thousand a second).
    let interrupt: ((step: IteratorResult<Result>) => void) | undefined;
    let drained: () => void = () => undefined;
    const drainedPromise = new Promise<void>((resolve) => (drained = resolve));
    const finish = () => {
      if (finished) return;
      finished = true;
      this.#open.delete(finish);
      counted();
      context[CONTROLLER].abort();
      interrupt?.({ done: true, value: undefined });
      // Not awaited: an async generator parked in `await` would hold its return() until its next
      // value; the resolver sees `context.signal` aborted and frees its resources itself.
      void iterator.return?.()?.catch(() => undefined);
    };
    this.#open.set(finish, drainedPromise);
    if (this.#closing) finish();

    // The consumer (yoga's SSE writer, graphql-ws) asked again and got "done": it has seen the end.
    const done = (): IteratorResult<Result> => {
      drained();
      return { done: true, value: undefined };
    };
    // Made once per subscription, not per delivery (a promise chain, not an async function).
    const failed = (error: unknown): never => {
      interrupt = undefined;
      finish();
      done();
      throw mask ? mask(error) : error;
    };
    const refused = (error: unknown): IteratorResult<Result> => {
      // The transports end a subscription whose next() rejects without calling return(): finish
      // here, or its source, listeners and count would stay for good.
      if (!isAppError(error)) return failed(error);
      finish();
      return { done: false, value: { errors: [toGraphQLError(error)] } };
    };
    const arrived = (step: IteratorResult<Result>): IteratorResult<Result> | Promise<IteratorResult<Result>> => {
      interrupt = undefined;
      if (finished || step.done) {
        finish();
        return done();
      }
      const delivered: IteratorResult<Result> =
        mask && step.value.errors ? { done: false, value: maskResult(step.value, mask) } : step;
      let rechecked: ReturnType<InternalContext['recheckViewer']>;
      try {
        rechecked = context.recheckViewer();
      } catch (error) {
        return refused(error);
      }
      return rechecked instanceof Promise ? rechecked.then(() => delivered, refused) : delivered;
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => {
        if (finished) return Promise.resolve(done());
        return new Promise<IteratorResult<Result>>((resolve, reject) => {
          interrupt = resolve;
          iterator.next().then(resolve, reject);
        }).then(arrived, failed);
      },
      return: () => {
        finish();
        return Promise.resolve(done());
      },
      throw: (error: unknown) => {
        finish();
        done();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      },
    };
  }
}

/** Seconds a client refused over a cap is asked to wait (`Retry-After`), as for any 429. */
const RETRY_AFTER_SECONDS = 5;

/** RATE_LIMITED for the whole request: 429 with `Retry-After`, as yoga reads `extensions.http`. */
function rateLimited(message: string): GraphQLError {
  const error = toGraphQLError(new AppError('RATE_LIMITED', message));
  return new GraphQLError(error.message, {
    extensions: { ...error.extensions, http: { status: 429, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } } },
  });
}

/** A result with each of its errors masked. */
export function maskResult(result: Result, mask: (error: unknown) => Error): Result {
  return result.errors ? { ...result, errors: result.errors.map((error) => mask(error) as GraphQLError) } : result;
}

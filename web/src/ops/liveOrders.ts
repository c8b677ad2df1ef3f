import { ApiError } from '../client/errors.ts';
import type { GraphQLClient } from '../client/graphqlClient.ts';
import type { Connection } from '../client/resumableFeed.ts';
import type { OpsOrderRowFragment, OrderFilter } from '../gql/graphql.ts';
import { OpsOrdersChangedSubscription } from './documents.ts';

export interface LiveOrdersSink {
  /** A changed order, and whether it matches the filter now (the server's answer). */
  order(order: OpsOrderRowFragment, matches: boolean): void;
  connection(connection: Connection, error: ApiError | null): void;
  /**
   * Live again after a drop: `ordersChanged` cannot replay what was missed, so the page reloads
   * what it shows (its rows then fold in as changes do).
   */
  resumed(): void;
}

const backoff = (attempt: number): number => Math.min(15_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);

/**
 * Follows `ordersChanged(filter)` for as long as the list is shown: when the socket drops it
 * waits (0.5 s doubling to 15 s, with jitter; at once when the browser is back online) and
 * subscribes again; a refusal (FORBIDDEN, UNAUTHENTICATED) ends it. Returns the function that stops it.
 */
export function followOrders(client: GraphQLClient, filter: OrderFilter, sink: LiveOrdersSink): () => void {
  let stopped = false;
  let attempt = 0;
  let dropped = false;
  let unsubscribe: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const retryNow = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    connect();
  };
  const fail = (error: ApiError) => {
    unsubscribe?.();
    unsubscribe = undefined;
    if (stopped) return;
    dropped = true;
    sink.connection('offline', error.transient ? null : error);
    if (error.transient) timer = setTimeout(retryNow, backoff(attempt++));
  };
  const connect = () => {
    if (stopped) return;
    unsubscribe = client.subscribe(
      OpsOrdersChangedSubscription,
      { filter },
      {
        connected: () => {
          if (stopped) return;
          attempt = 0;
          sink.connection('online', null);
          if (dropped) {
            dropped = false;
            sink.resumed();
          }
        },
        next: (result) => {
          if (!stopped) sink.order(result.ordersChanged, result.ordersChanged.matches);
        },
        error: fail,
        complete: () => fail(new ApiError('The server ended the live updates.', 'SOCKET_CLOSED', true)),
      },
    );
  };

  sink.connection('connecting', null);
  globalThis.addEventListener?.('online', retryNow);
  connect();
  return () => {
    stopped = true;
    globalThis.removeEventListener?.('online', retryNow);
    if (timer !== undefined) clearTimeout(timer);
    unsubscribe?.();
  };
}

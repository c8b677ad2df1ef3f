import { createClient, type Client } from 'graphql-ws';
import { ApiError, apiErrorOf } from './errors.ts';

/**
 * A typed document as GraphQL Codegen's client preset makes it with `documentMode: 'string'`:
 * the operation's text, typed with its result and variables.
 */
export interface TypedDocument<TResult, TVariables> {
  toString(): string;
  readonly __apiType?: (variables: TVariables) => TResult;
}

/** What a live subscription tells its listener. */
export interface SubscriptionSink<TResult> {
  /** The socket is open and acknowledged: the subscription is live. */
  connected(): void;
  next(result: TResult): void;
  /** The subscription ended with an error (a GraphQL error, or the socket dropped). */
  error(error: ApiError): void;
  /** The server ended the subscription (e.g. a restart, or a tracking link revoked). */
  complete(): void;
}

export interface GraphQLClient {
  /** A query or mutation over HTTP; rejects with an ApiError for an error answer or no answer. */
  request<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, variables: TVariables): Promise<TResult>;
  /** A subscription over `graphql-ws`; returns the function that ends it. */
  subscribe<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    variables: TVariables,
    sink: SubscriptionSink<TResult>,
  ): () => void;
  /** Closes the socket. */
  dispose(): void;
}

export interface GraphQLClientOptions {
  /** The GraphQL endpoint, e.g. `/graphql` (same origin) or `https://orders.example/graphql`. */
  readonly url: string;
  /** The bearer token to send, read at every request and socket connection; none: anonymous. */
  readonly token: () => string | undefined;
}

/** Close codes graphql-ws and the server use for a refused connection: reconnecting cannot help. */
const REFUSED_CLOSE_CODES: Record<number, string> = {
  4400: 'BAD_USER_INPUT',
  4401: 'UNAUTHENTICATED',
  4403: 'FORBIDDEN',
  4429: 'RATE_LIMITED',
};

function webSocketUrl(url: string): string {
  const absolute = new URL(url, globalThis.location?.href);
  absolute.protocol = absolute.protocol === 'https:' ? 'wss:' : 'ws:';
  return absolute.href;
}

function socketErrorOf(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (Array.isArray(error)) return apiErrorOf(error as { message?: unknown }[]);
  const code =
    typeof (error as { code?: unknown } | null)?.code === 'number' ? (error as { code: number }).code : undefined;
  if (code !== undefined && REFUSED_CLOSE_CODES[code]) {
    const reason = (error as { reason?: unknown }).reason;
    return new ApiError(
      typeof reason === 'string' && reason ? reason : 'The server refused the connection.',
      REFUSED_CLOSE_CODES[code],
      false,
    );
  }
  return new ApiError('The live connection was lost.', 'SOCKET_CLOSED', true);
}

/**
 * A small GraphQL client: fetch for queries and mutations (with `Authorization: Bearer`), one
 * lazy `graphql-ws` socket for subscriptions, its token in `connectionParams.authorization` as
 * the server reads it. The socket never retries by itself: a subscription that drops must be
 * started again by its owner with the position it last showed (see `resumableFeed.ts`), which
 * graphql-ws' own retry (the same variables again) cannot do.
 */
export function createGraphQLClient(options: GraphQLClientOptions): GraphQLClient {
  const authorization = (): Record<string, string> => {
    const token = options.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  let connected = false;
  const connectedListeners = new Set<() => void>();
  let socket: Client | undefined;
  const ws = (): Client => {
    if (socket) return socket;
    socket = createClient({
      url: webSocketUrl(options.url),
      lazy: true,
      lazyCloseTimeout: 2_000,
      retryAttempts: 0,
      // Pings keep proxies from closing an idle socket and let a dead one be noticed.
      keepAlive: 15_000,
      connectionParams: authorization,
      on: {
        connected: () => {
          connected = true;
          for (const listener of [...connectedListeners]) listener();
        },
        closed: () => {
          connected = false;
        },
      },
    });
    return socket;
  };

  return {
    async request(document, variables) {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            ...authorization(),
          },
          body: JSON.stringify({ query: document.toString(), variables }),
        });
      } catch {
        throw new ApiError('The server could not be reached.', 'NETWORK', true);
      }
      let body: { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw new ApiError(
          `The server answered ${response.status} without a GraphQL result.`,
          response.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'NETWORK',
          response.status >= 500,
        );
      }
      if (body.errors?.length) throw apiErrorOf(body.errors);
      if (body.data === undefined || body.data === null)
        throw new ApiError('The server answered without data.', 'INTERNAL_SERVER_ERROR', true);
      return body.data as never;
    },

    subscribe(document, variables, sink) {
      let ended = false;
      const client = ws();
      const onConnected = () => {
        if (!ended) sink.connected();
      };
      connectedListeners.add(onConnected);
      const unsubscribe = client.subscribe<never, Record<string, unknown>>(
        { query: document.toString(), variables: variables as Record<string, unknown> },
        {
          next: (result) => {
            if (ended) return;
            if (result.errors?.length) {
              ended = true;
              connectedListeners.delete(onConnected);
              sink.error(apiErrorOf(result.errors));
              return;
            }
            if (result.data) sink.next(result.data);
          },
          error: (error) => {
            if (ended) return;
            ended = true;
            connectedListeners.delete(onConnected);
            sink.error(socketErrorOf(error));
          },
          complete: () => {
            connectedListeners.delete(onConnected);
            if (ended) return;
            ended = true;
            sink.complete();
          },
        },
      );
      // Another subscription may already hold an acknowledged socket: no `connected` comes then.
      if (connected) queueMicrotask(onConnected);
      return () => {
        ended = true;
        connectedListeners.delete(onConnected);
        unsubscribe();
      };
    },

    dispose() {
      void socket?.dispose();
      socket = undefined;
    },
  };
}

import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { expect } from 'vitest';
import { type Json } from '../../support/http.ts';
import { type Server } from '../../support/stack.ts';

export type Transport = 'sse' | 'ws';

/** One subscription as a client sees it, whatever the transport. */
export interface LiveStream {
  /** Every `next` payload, in order. */
  readonly messages: Json[];
  /** SSE: the HTTP status; WS: 101 once the connection was accepted. */
  status(): number | undefined;
  /** WS: the close code when the connection was refused (e.g. 4401). */
  closeCode(): number | undefined;
  /** Resolves when the server has ended the subscription (complete, error or refusal). */
  readonly ended: Promise<void>;
  isEnded(): boolean;
  close(): void;
}

/** GraphQL over SSE with fetch and `Accept: text/event-stream`, as a browser's EventSource would. */
export async function sseStream(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token: string | undefined,
): Promise<LiveStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const messages: Json[] = [];
  let ended = false;
  const done = (async () => {
    // yoga answers a refused subscription (even a 401) as a stream with one `next`; anything else is one JSON result.
    if (!response.headers.get('content-type')?.includes('text/event-stream') || !response.body) {
      messages.push(await response.json());
      return;
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = response.body.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += decoder.decode(chunk.value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (/^event: next$/m.test(block) && data) messages.push(JSON.parse(data));
        }
      }
    } catch {
      // aborted by close()
    }
  })().finally(() => (ended = true));
  return {
    messages,
    status: () => response.status,
    closeCode: () => undefined,
    ended: done,
    isEnded: () => ended,
    close: () => controller.abort(),
  };
}

/** A graphql-ws client with the token in `connectionParams`; connects on the first subscribe. */
export function wsClient(url: string, token: string | undefined): Client {
  return createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
}

export function wsStream(client: Client, query: string, variables: Record<string, unknown>): LiveStream {
  const messages: Json[] = [];
  let ended = false;
  let closeCode: number | undefined;
  let accepted = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve)).finally(() => (ended = true));
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (message) => {
        accepted = true;
        messages.push(message);
      },
      // A refused connection arrives as its CloseEvent; an operation ended by an error as the
      // protocol's `error` message (its GraphQL errors), kept like a `next` with errors.
      error: (error) => {
        if (Array.isArray(error)) messages.push({ errors: error });
        else if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'number')
          closeCode = error.code;
        else messages.push({ transportError: String(error) });
        finish();
      },
      complete: () => {
        accepted = true;
        finish();
      },
    },
  );
  return {
    messages,
    status: () => (accepted ? 101 : undefined),
    closeCode: () => closeCode,
    ended: done,
    isEnded: () => ended,
    close: dispose,
  };
}

/** The stream's messages as refusals: each one's error codes and data (null when absent). */
export const refusals = (messages: readonly Json[]) =>
  messages.map((message) => ({
    codes: (message.errors as Json[] | undefined)?.map((e) => e.extensions?.code as string),
    data: message.data ?? null,
  }));

/** The stream ended after exactly one message: the refusal with this code, and no data. */
export async function expectRefusedWith(stream: LiveStream, code: string): Promise<void> {
  await stream.ended;
  expect(refusals(stream.messages)).toEqual([{ codes: [code], data: null }]);
}

/** The connection itself was refused: SSE answered 401 with only UNAUTHENTICATED, WS closed with 4401 before anything. */
export async function expectUnauthorised(stream: LiveStream, transport: Transport): Promise<void> {
  await stream.ended;
  if (transport === 'sse') {
    expect({ status: stream.status(), refusals: refusals(stream.messages) }).toEqual({
      status: 401,
      refusals: [{ codes: ['UNAUTHENTICATED'], data: null }],
    });
  } else {
    expect({ closeCode: stream.closeCode(), messages: stream.messages }).toEqual({ closeCode: 4401, messages: [] });
  }
}

/** Subscriptions the server holds open on a transport (its own gauge: the ones it will deliver to). */
export async function activeSubscriptions(server: Server, transport: Transport): Promise<number> {
  const text = await server.runtime.metrics.registry.getSingleMetricAsString('graphql_active_subscriptions');
  return Number(new RegExp(`transport="${transport}"} (\\d+)`).exec(text)?.[1] ?? 0);
}

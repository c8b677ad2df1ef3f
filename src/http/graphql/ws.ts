/**
 * Fast path, see docs/adr/0005-websocket-delivery.md. Keeps graphql-ws's protocol (`useServer`)
 * but replaces three things of the stock wiring: ws's one write per frame (`coalesceWrites`),
 * graphql-ws's stringify per socket (`sharedPayloadJson`: one serialization per shared result),
 * and envelop's subscribe with its mask wrappers (`GraphQLServer.subscribe`). Why: subscription
 * delivery at 1,000 changes/s to 1,000 subscribers.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { CloseCode, type OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Authenticator } from '../../auth/authenticate.ts';
import type { AuthGuard } from '../rateLimits.ts';
import type { Viewer } from '../../auth/viewer.ts';
import type { SubscriptionLimits } from '../../config.ts';
import { knownError } from '../../db/unavailable.ts';
import { AppError } from '../../domain/errors.ts';
import { createContext } from './context.ts';
import { toGraphQLError } from './errors.ts';
import { GRAPHQL_LIMITS } from './limits.ts';
import type { GraphQLServer } from './server.ts';

interface ConnectionState {
  /** The Authorization value from `connectionParams`, checked again at every subscribe. */
  credential?: string;
}

/**
 * WebSocket close code 1013 "Try Again Later": the server is at a cap. graphql-ws clients retry it
 * with their backoff (it is not one of the codes they give up on).
 */
export const TRY_AGAIN_LATER = 1013;

/** The token a client sent in `connectionParams` (`authorization` or `Authorization`), else none. */
function credentialOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/**
 * GraphQL over WebSocket (`graphql-ws` protocol) on the HTTP server's `/graphql` path, running
 * through yoga's parse, validation (limits) and context as HTTP and SSE; queries and mutations
 * through envelop's execute, subscriptions through GraphQLServer.subscribe (the same shared
 * execution, tracker and masking, without envelop's per-result hooks).
 * Authentication: at connection init (a bad token closes the socket with 4401 Unauthorized) and
 * again at every subscribe, so a token that expired meanwhile gets UNAUTHENTICATED. Failures at
 * connection init count against the client address's budget (`AuthGuard`); past it the socket
 * closes with 4429 and the retry time.
 * Limits (`limits`): sockets in all and per signed-in user (over either, the socket is closed
 * with 1013 Try Again Later), operations per socket (over it, the subscribe gets RATE_LIMITED),
 * and a signed-out socket that holds no subscription for `wsIdleTimeoutMs` is closed (1000): it
 * costs memory and a connection slot and serves nobody. A signed-out socket that holds a
 * subscription (a public tracking page) stays. A database that cannot serve closes a socket at
 * init with 1013 too, and refuses a subscribe with SERVICE_UNAVAILABLE.
 */
export function attachGraphQLWebSocket(
  server: Server,
  graphql: GraphQLServer,
  authenticator: Authenticator,
  authGuard: AuthGuard,
  limits: SubscriptionLimits,
): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const socketsByUser = new Map<string, number>();
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      // wss.clients holds this socket already.
      if (wss.clients.size > limits.wsMaxSockets) {
        ws.close(TRY_AGAIN_LATER, 'The server holds its limit of WebSocket connections; try again later');
        return;
      }
      coalesceWrites(ws, socket, payloads.splice);
      wss.emit('connection', ws, request);
    });
  };
  server.on('upgrade', onUpgrade);

  const connections = new WeakMap<object, ConnectionState>();
  const payloads = sharedPayloadJson();
  const disposable = useServer(
    {
      isProd: true,
      // The result itself, not graphql-ws's copy of it: subscribers sharing an execution then share
      // one object, and so its serialization (results with errors keep the library's own path).
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? undefined : result),
      jsonMessageReplacer: payloads.replacer,
      connectionInitWaitTimeout: 10_000,
      execute: (args: ExecutionArgs) => (args.rootValue as Enveloped).execute(args),
      // Not envelop's subscribe: see GraphQLServer.subscribe.
      subscribe: (args: ExecutionArgs) => graphql.subscribe(args),
      onConnect: async (ctx) => {
        const credential = credentialOf(ctx.connectionParams);
        const socket = ctx.extra.socket;
        let viewer: Viewer | undefined;
        try {
          viewer = await authGuard.authenticate(authGuard.addressOf(ctx.extra.request), credential);
        } catch (error) {
          const known = knownError(error);
          if (!known) throw error;
          const code =
            known.code === 'RATE_LIMITED'
              ? RATE_LIMITED_CLOSE
              : known.code === 'SERVICE_UNAVAILABLE'
                ? TRY_AGAIN_LATER
                : CloseCode.Unauthorized;
          socket.close(code, known.message.slice(0, 120));
          return false;
        }
        if (viewer) {
          const userId = viewer.id;
          const open = socketsByUser.get(userId) ?? 0;
          if (open >= limits.wsMaxSocketsPerUser) {
            socket.close(
              TRY_AGAIN_LATER,
              `At most ${limits.wsMaxSocketsPerUser} WebSocket connections per user; close one first`,
            );
            return false;
          }
          socketsByUser.set(userId, open + 1);
          socket.once('close', () => {
            const left = (socketsByUser.get(userId) ?? 1) - 1;
            if (left > 0) socketsByUser.set(userId, left);
            else socketsByUser.delete(userId);
          });
        } else {
          closeWhenIdle(socket, () => Object.keys(ctx.subscriptions).length === 0, limits.wsIdleTimeoutMs);
        }
        connections.set(socket, credential === undefined ? {} : { credential });
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws has entered this operation already.
        if (Object.keys(ctx.subscriptions).length > limits.wsMaxSubscriptionsPerSocket) {
          return [
            toGraphQLError(
              new AppError(
                'RATE_LIMITED',
                `At most ${limits.wsMaxSubscriptionsPerSocket} operations at once per connection; complete one first`,
              ),
            ),
          ];
        }
        let viewer: Viewer | undefined;
        try {
          viewer = await authenticator.authenticate(connections.get(ctx.extra.socket)?.credential);
        } catch (error) {
          const known = knownError(error);
          if (known) return [toGraphQLError(known)];
          throw error;
        }
        if (payload.query.length > GRAPHQL_LIMITS.maxQueryLength) {
          return [
            new GraphQLError(
              `Query is ${payload.query.length} characters long; the limit is ${GRAPHQL_LIMITS.maxQueryLength}`,
              { extensions: { code: 'BAD_USER_INPUT' } },
            ),
          ];
        }
        const context = createContext(viewer, 'ws', authenticator, authGuard.addressOf(ctx.extra.request));
        const { schema, execute, contextFactory, parse, validate } = graphql.yoga.getEnveloped(
          context,
        ) as EnvelopedOperation;
        try {
          const document = parse(payload.query);
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          return {
            schema,
            document,
            operationName: payload.operationName ?? null,
            variableValues: payload.variables ?? null,
            contextValue: await contextFactory(),
            rootValue: { execute } satisfies Enveloped,
          };
        } catch (error) {
          // Parse errors and graphql-armor rejections are thrown; they are the client's, not ours.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
    },
    wss,
  );

  return {
    async close() {
      server.off('upgrade', onUpgrade);
      await disposable.dispose();
    },
  };
}

/** Close code past the address's budget of failed authentications (graphql-ws's own 4429 means the same: too many, go slower). */
const RATE_LIMITED_CLOSE = 4429;

/**
 * Closes `socket` (1000) once it has been idle (`idle()` true) when its timer fires; a socket
 * busy then is looked at again one period later. One timer per socket, cleared on close.
 */
function closeWhenIdle(socket: WebSocket, idle: () => boolean, periodMs: number): void {
  let timer: NodeJS.Timeout;
  const look = () => {
    if (idle()) socket.close(1000, 'No subscription: closed after idling');
    else timer = setTimeout(look, periodMs);
  };
  timer = setTimeout(look, periodMs);
  socket.once('close', () => clearTimeout(timer));
}

/** Bytes a socket may hold unsent before a sender is made to wait for the kernel again. */
const EARLY_ACK_BYTES = 64 * 1024;

/**
 * The frames sent to one socket within one turn of the event loop leave in one write. ws writes
 * each frame on its own (a syscall each, the server's largest single cost with operators'
 * dashboards receiving a burst of changes per projection commit), and graphql-ws sends the next
 * result of a subscription only once the previous one's write completed. So writes are corked
 * until the turn ends, and a send is acknowledged at once while the socket holds less than
 * EARLY_ACK_BYTES unsent; past that, the sender waits for the kernel as before (a slow client
 * still slows its own subscriptions, which then coalesce their backlog per order). A write
 * error still ends the connection: ws closes the socket and graphql-ws ends its subscriptions.
 */
export function coalesceWrites(
  ws: WebSocket,
  socket: Duplex,
  transform: (data: unknown) => unknown = (data) => data,
): void {
  const send = ws.send.bind(ws) as (...args: unknown[]) => void;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  ws.send = ((...args: unknown[]) => {
    if (!corked && socket.writable) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    const data = transform(args[0]);
    const callback = args[1];
    // graphql-ws sends (data, callback); any other form goes through untouched (as text).
    if (args.length !== 2 || typeof callback !== 'function')
      return send(Buffer.isBuffer(data) && typeof args[0] === 'string' ? data.toString() : data, ...args.slice(1));
    // A message spliced into bytes is still a text frame: graphql-ws speaks text.
    if (socket.writableLength >= EARLY_ACK_BYTES) return send(data, TEXT_FRAME, callback);
    send(data, TEXT_FRAME, () => undefined);
    queueMicrotask(() => (callback as () => void)());
  }) as WebSocket['send'];
}

const TEXT_FRAME = Object.freeze({ binary: false });

const MARK = '@@shared-payload@@';
const MARKED_END = `"payload":${JSON.stringify(MARK)}}`;

/**
 * A `next` message's payload serialized once for all the subscribers it goes to, not once per
 * socket (a change reaching a dashboard of every operator is one shared execution result).
 * graphql-ws builds each message as `{id, type, payload}` and stringifies it with our replacer,
 * then hands it straight to the socket, synchronously: the replacer swaps the payload for a mark
 * and notes its bytes (UTF-8, kept per result object), and `splice` puts them back in place of
 * the mark at the message's end. The message goes out as bytes: as a string, each socket's copy
 * was joined on the heap and encoded again by ws, the payload's whole length per subscriber.
 * Payloads are validated by graphql-ws before the replacer runs.
 */
export function sharedPayloadJson(): {
  replacer: (this: unknown, key: string, value: unknown) => unknown;
  splice: (data: unknown) => unknown;
} {
  const serialized = new WeakMap<object, Buffer>();
  let marked: Buffer | undefined;
  return {
    replacer(this: unknown, key: string, value: unknown) {
      if (
        key !== 'payload' ||
        typeof value !== 'object' ||
        value === null ||
        (this as { type?: unknown }).type !== 'next'
      )
        return value;
      let bytes = serialized.get(value);
      if (bytes === undefined) serialized.set(value, (bytes = Buffer.from(`"payload":${JSON.stringify(value)}}`)));
      marked = bytes;
      return MARK;
    },
    splice(data) {
      const bytes = marked;
      marked = undefined;
      if (bytes === undefined || typeof data !== 'string' || !data.endsWith(MARKED_END)) return data;
      const head = data.slice(0, -MARKED_END.length);
      const headLength = Buffer.byteLength(head);
      const message = Buffer.allocUnsafe(headLength + bytes.length);
      message.write(head, 0);
      bytes.copy(message, headLength);
      return message;
    },
  };
}

interface Enveloped {
  execute: (args: ExecutionArgs) => OperationResult;
}

/** What envelop's `getEnveloped` hands out (its own typings say `any`). */
interface EnvelopedOperation extends Enveloped {
  readonly schema: GraphQLSchema;
  readonly parse: (source: string) => DocumentNode;
  readonly validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
  readonly contextFactory: () => Promise<unknown>;
}

/**
 * The load client, run as its own process (forked by `clientProcess.ts`) so that the client's
 * work (JSON, sockets) is not done on the server's event loop. It answers one request at a time.
 */
import { now, type ClientReply, type ClientRequest } from './protocol.ts';
import { peerLoad, queryLoad } from './queryLoad.ts';
import { Subscribers } from './subscribers.ts';

const subscribers = new Subscribers();

async function handle(request: ClientRequest): Promise<ClientReply> {
  switch (request.kind) {
    case 'clock':
      return { kind: 'clock', now: now() };
    case 'cpu': {
      const usage = process.cpuUsage();
      return { kind: 'cpu', ms: (usage.user + usage.system) / 1000 };
    }
    case 'queries':
      return queryLoad(request);
    case 'peer':
      return peerLoad(request);
    case 'subscribe':
      return { kind: 'subscribed', ...(await subscribers.connect(request.url, request.subscribers)) };
    case 'settle':
      return { kind: 'settled', deliveries: await subscribers.settle(request.quietMs, request.maxMs) };
    case 'latencies':
      return subscribers.latencies(request.commits);
    case 'unsubscribe':
      await subscribers.close();
      return { kind: 'unsubscribed' };
    default: {
      const _exhaustive: never = request;
      throw new Error(`unknown request ${JSON.stringify(_exhaustive)}`);
    }
  }
}

const send = (reply: ClientReply) => process.send?.(reply);

process.on('message', (request: ClientRequest) => {
  handle(request).then(send, (error: unknown) =>
    send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
// The bench gone (it crashed or was killed): nothing is left to answer, so stop too.
process.on('disconnect', () => {
  void subscribers.close().finally(() => process.exit(0));
});

import { createConnection, createServer, type Socket } from 'node:net';

/** A TCP proxy in front of PostgreSQL whose connections can be made to go silent (half-open). */
export interface FreezingProxy {
  readonly port: number;
  /** Connections accepted so far, in order. */
  readonly accepted: number;
  /** Connection `index` stops carrying anything either way, and stays open: as a dropped NAT entry or a vanished host. */
  freeze(index: number): void;
  close(): Promise<void>;
}

export async function startFreezingProxy(target: { readonly host: string; readonly port: number }): Promise<FreezingProxy> {
  const pairs: [Socket, Socket][] = [];
  const server = createServer((client) => {
    const upstream = createConnection(target);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    get accepted() {
      return pairs.length;
    },
    freeze(index) {
      const pair = pairs[index];
      if (!pair) throw new Error(`no connection ${index}`);
      const [client, upstream] = pair;
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

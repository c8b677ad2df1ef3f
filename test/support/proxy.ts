import { createConnection, createServer, type Socket } from 'node:net';

/** A TCP proxy in front of PostgreSQL whose connections can be made to go silent (half-open). */
export interface FreezingProxy {
  readonly port: number;
  /** Connections accepted so far, in order. */
  readonly accepted: number;
  /** Connection `index` stops carrying anything either way, and stays open: as a dropped NAT entry or a vanished host. */
  freeze(index: number): void;
  /** Freezes every connection so far whose startup message contains `text` (an application_name); returns how many. */
  freezeMatching(text: string): number;
  /** Freezes every connection, and accepts new ones without ever carrying anything: a network gone dark. */
  blackHole(): void;
  /** Ends a black hole: frozen connections carry again (what waited is delivered, as after SIGCONT), new ones are served. */
  thaw(): void;
  /** Cuts every connection and refuses new ones (ECONNREFUSED): a database that is down. */
  refuse(): Promise<void>;
  /** Listens again on the same port after refuse(). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startFreezingProxy(target: {
  readonly host: string;
  readonly port: number;
}): Promise<FreezingProxy> {
  const pairs: [Socket, Socket][] = [];
  const startups: string[] = [];
  const held: Socket[] = [];
  const frozen = new Set<number>();
  let dark = false;
  const carry = (client: Socket) => {
    const index = pairs.length;
    startups[index] = '';
    client.once('data', (chunk: Buffer) => (startups[index] = chunk.toString('latin1')));
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
  };
  const server = createServer((client) => {
    if (dark) {
      client.pause();
      client.on('error', () => client.destroy());
      held.push(client);
      return;
    }
    carry(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  const port = address.port;
  const freeze = (index: number): void => {
    const pair = pairs[index];
    if (!pair) throw new Error(`no connection ${index}`);
    const [client, upstream] = pair;
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
    frozen.add(index);
  };
  const cutAll = () => {
    for (const client of held.splice(0)) client.destroy();
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
  };
  return {
    port,
    get accepted() {
      return pairs.length;
    },
    freezeMatching(text) {
      let frozen = 0;
      startups.forEach((startup, index) => {
        if (!startup.includes(text)) return;
        freeze(index);
        frozen += 1;
      });
      return frozen;
    },
    freeze,
    blackHole() {
      dark = true;
      pairs.forEach((_, index) => freeze(index));
    },
    thaw() {
      dark = false;
      for (const index of frozen) {
        const [client, upstream] = pairs[index] as [Socket, Socket];
        client.pipe(upstream);
        upstream.pipe(client);
      }
      frozen.clear();
      for (const client of held.splice(0)) carry(client);
    },
    async refuse() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      cutAll();
      await closed;
    },
    async restore() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      cutAll();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

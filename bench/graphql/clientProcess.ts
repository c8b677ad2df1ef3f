import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { now, type ClientReply, type ClientRequest } from './protocol.ts';

type ReplyTo<K extends ClientRequest['kind']> = Extract<
  ClientReply,
  {
    kind: K extends 'subscribe'
      ? 'subscribed'
      : K extends 'settle'
        ? 'settled'
        : K extends 'unsubscribe'
          ? 'unsubscribed'
          : K extends 'peer'
            ? 'queries'
            : K;
  }
>;

/** The load client in its own Node process; one request at a time. */
export interface LoadClient {
  ask<R extends ClientRequest>(request: R): Promise<ReplyTo<R['kind']>>;
  /**
   * The client's clock minus ours (ms), from the round trip with the smallest delay: add it to
   * one of our instants to get the same instant on the client's clock.
   */
  clockOffset(): Promise<{ offsetMs: number; roundTripMs: number }>;
  close(): Promise<void>;
}

export function startLoadClient(): LoadClient {
  const child: ChildProcess = fork(fileURLToPath(new URL('./client.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => (exited = true));
  let queue: Promise<unknown> = Promise.resolve();

  const once = (request: ClientRequest): Promise<ClientReply> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load client exited (${code}) during ${request.kind}`));
      child.once('exit', onExit);
      child.once('message', (reply: ClientReply) => {
        child.off('exit', onExit);
        if (reply.kind === 'error') reject(new Error(`load client failed during ${request.kind}: ${reply.message}`));
        else resolve(reply);
      });
      child.send(request);
    });

  const ask = <R extends ClientRequest>(request: R): Promise<ReplyTo<R['kind']>> => {
    const answer = queue.then(() => once(request));
    queue = answer.catch(() => undefined);
    return answer as Promise<ReplyTo<R['kind']>>;
  };

  return {
    ask,
    async clockOffset() {
      let best = { offsetMs: 0, roundTripMs: Number.POSITIVE_INFINITY };
      for (let i = 0; i < 30; i++) {
        const sent = now();
        const { now: theirs } = await ask({ kind: 'clock' });
        const back = now();
        if (back - sent < best.roundTripMs) best = { offsetMs: theirs - (sent + back) / 2, roundTripMs: back - sent };
      }
      return best;
    },
    async close() {
      if (exited) return;
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}

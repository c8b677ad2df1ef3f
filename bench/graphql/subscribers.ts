import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { now, type Commit, type SubscriberSpec, type SubscriptionReport } from './protocol.ts';
import { summarise } from './stats.ts';

/** What an order page follows: the fields a status view shows (the timeline is a separate feed). */
export const ORDER_PAGE_SUBSCRIPTION = `subscription ($id: ID!) { orderUpdated(id: $id) {
  id version orderStatus status statusLabel priority etaDays etaAt updatedAt totalCents holdReason canceled
  lineItems { id size quantity technique }
  allowedActions { action allowed reason }
} }`;
/** The operators' live dashboard row. */
export const DASHBOARD_SUBSCRIPTION =
  'subscription { ordersChanged { id reference userId version orderStatus status priority etaDays updatedAt } }';

interface Subscriber {
  readonly spec: SubscriberSpec;
  readonly client: Client;
  /** `orderId`, version, received at: one entry per delivery. */
  readonly received: [string, number, number][];
}

const CONNECT_BATCH = 100;

/**
 * The subscribers of one run: each its own WebSocket (as separate browser tabs are), opened in
 * batches so the server is not asked for a thousand handshakes in the same instant.
 */
export class Subscribers {
  readonly #all: Subscriber[] = [];
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 5 });

  async connect(
    url: string,
    specs: readonly SubscriberSpec[],
  ): Promise<{ connected: number; failed: number; firstError?: string }> {
    const wsUrl = `${url.replace(/^http/, 'ws')}/graphql`;
    let failed = 0;
    let firstError: string | undefined;
    for (let start = 0; start < specs.length; start += CONNECT_BATCH) {
      const batch = specs.slice(start, start + CONNECT_BATCH).map((spec) => this.#open(wsUrl, spec));
      for (const outcome of await Promise.all(batch)) {
        if (outcome === true) continue;
        failed++;
        firstError ??= outcome;
      }
    }
    this.#loopDelay.enable();
    return { connected: specs.length - failed, failed, ...(firstError ? { firstError } : {}) };
  }

  /** Waits until no delivery arrived for `quietMs` (or `maxMs` passed); answers the deliveries so far. */
  async settle(quietMs: number, maxMs: number): Promise<number> {
    const deadline = now() + maxMs;
    let last = this.#deliveries();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      const count = this.#deliveries();
      if (count === last || now() > deadline) return count;
      last = count;
    }
  }

  /** Joins deliveries with the commits (client clock): latency of each delivery of a measured commit. */
  latencies(commits: readonly Commit[]): SubscriptionReport {
    const committedAt = new Map(commits.map(([orderId, version, at]) => [`${orderId}|${version}`, at]));
    const perOrder = new Map<string, number>();
    for (const [orderId] of commits) perOrder.set(orderId, (perOrder.get(orderId) ?? 0) + 1);
    const pages: number[] = [];
    const dashboards: number[] = [];
    let expected = 0;
    for (const subscriber of this.#all) {
      const samples = subscriber.spec.kind === 'order' ? pages : dashboards;
      expected += subscriber.spec.kind === 'order' ? (perOrder.get(subscriber.spec.orderId) ?? 0) : commits.length;
      for (const [orderId, version, at] of subscriber.received) {
        const committed = committedAt.get(`${orderId}|${version}`);
        if (committed !== undefined) samples.push(at - committed);
      }
    }
    const delivered = pages.length + dashboards.length;
    return {
      kind: 'latencies',
      all: summarise([...pages, ...dashboards]),
      orderPages: summarise(pages),
      dashboards: summarise(dashboards),
      expected,
      skipped: expected - delivered,
      clientLoopDelayP99Ms: this.#loopDelay.percentile(99) / 1e6,
    };
  }

  async close(): Promise<void> {
    this.#loopDelay.disable();
    await Promise.all(this.#all.map(async (subscriber) => subscriber.client.dispose()));
    this.#all.length = 0;
  }

  #deliveries(): number {
    return this.#all.reduce((sum, subscriber) => sum + subscriber.received.length, 0);
  }

  /** Resolves true once the connection is acknowledged, or the reason it failed. */
  #open(wsUrl: string, spec: SubscriberSpec): Promise<true | string> {
    return new Promise((resolve) => {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: `Bearer ${spec.token}` },
        on: {
          connected: () => resolve(true),
          closed: (event) =>
            resolve(`closed ${(event as { code?: number }).code ?? ''} before the connection was acknowledged`),
          error: (error) => resolve(`connection failed: ${String(error)}`),
        },
      });
      const subscriber: Subscriber = { spec, client, received: [] };
      this.#all.push(subscriber);
      const [field, query, variables] =
        spec.kind === 'order'
          ? (['orderUpdated', ORDER_PAGE_SUBSCRIPTION, { id: spec.orderId }] as const)
          : (['ordersChanged', DASHBOARD_SUBSCRIPTION, {}] as const);
      client.subscribe<Record<string, { id: string; version: number }>>(
        { query, variables },
        {
          next: (result) => {
            const order = result.data?.[field];
            if (order) subscriber.received.push([order.id, order.version, now()]);
            else process.stderr.write(`[bench] subscriber got no order: ${JSON.stringify(result).slice(0, 300)}\n`);
          },
          error: (error) =>
            process.stderr.write(`[bench] subscription failed: ${JSON.stringify(error).slice(0, 300)}\n`),
          complete: () => undefined,
        },
      );
    });
  }
}

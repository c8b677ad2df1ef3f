import { randomUUID } from 'node:crypto';
import { emit, progress, round } from '../support/output.ts';
import { runChanges } from './changes.ts';
import type { LoadClient } from './clientProcess.ts';
import type { Commit, SubscriberSpec } from './protocol.ts';
import type { SeededOrder } from './seed.ts';
import type { BenchServer } from './server.ts';
import { perOperation, spending } from './budget.ts';

const SUBSCRIBERS = 1000;
const WATCHED_ORDERS = 200;
/** Operators' dashboards (`ordersChanged`, every change); the rest follow one order each. */
const DASHBOARDS = Number(process.env.BENCH_GRAPHQL_DASHBOARDS ?? 10);
const RATE = Number(process.env.BENCH_GRAPHQL_RATE ?? 1000);
const WARMUP_MS = 2000;
const DURATION_MS = Number(process.env.BENCH_GRAPHQL_SUBSCRIPTION_SECONDS ?? 10) * 1000;
/** After the last change, deliveries are waited for until none came for 0.5 s, at most this long. */
const SETTLE_MAX_MS = 15_000;

/**
 * 1,000 graphql-ws subscribers (order pages spread over 200 orders, a fifth of each order's
 * followers operators, plus operators' dashboards) while operator messages are committed at
 * 1,000/s across all seeded orders; latency from each commit to each subscriber's receipt of
 * that version. The changes go to every order, not only the watched ones: 1,000/s on 200 orders
 * would give each a 60-event stream within the run, and the command service's full-stream
 * reload would be measured instead of the delivery path.
 */
export async function subscriptionPhase(
  server: BenchServer,
  client: LoadClient,
  orders: readonly SeededOrder[],
  conditions: string,
): Promise<void> {
  const watched = orders.slice(0, WATCHED_ORDERS);
  const specs: SubscriberSpec[] = [];
  for (let i = 0; i < DASHBOARDS; i++) {
    const operatorId = randomUUID();
    await server.runtime.auth.operators.grant(operatorId);
    specs.push({ kind: 'dashboard', token: await server.token(operatorId) });
  }
  for (let i = 0; specs.length < SUBSCRIBERS; i++) {
    const order = watched[i % watched.length]!;
    specs.push({ kind: 'order', orderId: order.id, token: i % 5 === 4 ? server.operatorToken : order.ownerToken });
  }

  progress(`graphql: opening ${specs.length} WebSocket subscribers`);
  const opened = await client.ask({ kind: 'subscribe', url: server.url, subscribers: specs });
  if (opened.failed > 0)
    throw new Error(`${opened.failed} of ${specs.length} subscribers could not connect: ${opened.firstError}`);
  await subscriptionsOpen(server.url, specs.length);
  const clock = await client.clockOffset();

  progress(`graphql: ${RATE} changes/s for ${(WARMUP_MS + DURATION_MS) / 1000} s`);
  const { result: run, cpu } = await spending(server, client, async () => {
    const changes = await runChanges(
      { commands: server.runtime.commands, changeFeed: server.runtime.readModel.changeFeed },
      { type: 'operator', id: server.operatorId },
      orders.map((order) => order.id),
      {
        rate: RATE,
        warmupMs: WARMUP_MS,
        durationMs: DURATION_MS,
        maxInFlight: RATE,
      },
    );
    return { changes, settled: await client.ask({ kind: 'settle', quietMs: 500, maxMs: SETTLE_MAX_MS }) };
  });
  const { changes, settled } = run;
  const onClientClock: Commit[] = changes.commits.map(([orderId, version, at]) => [
    orderId,
    version,
    at + clock.offsetMs,
  ]);
  const report = await client.ask({ kind: 'latencies', commits: onClientClock });
  await client.ask({ kind: 'unsubscribe' });
  if (changes.failed > 0) progress(`graphql: ${changes.failed} changes failed, first: ${changes.firstError}`);

  const setting = [
    conditions,
    `${specs.length} graphql-ws subscribers, one WebSocket each, in a separate client process: ${specs.length - DASHBOARDS} on orderUpdated over ${watched.length} orders (~${Math.round((specs.length - DASHBOARDS) / watched.length)} per order, 1 in 5 an operator) and ${DASHBOARDS} operators on ordersChanged (unfiltered)`,
    `changes: operator postMessage through the server's own command service in-process, open loop at ${RATE}/s in 10 ms ticks, each to a random one of all ${orders.length} orders (a fifth of the changes reach order pages, all reach the dashboards; streams stay order-sized at ~1 change/s per order), ${DURATION_MS / 1000} s measured after ${WARMUP_MS / 1000} s; ${changes.commits.length} changes measured, ${changes.failed} failed, ${changes.notSent} not sent (server behind)`,
    `latency = receipt in the client (after JSON parse) minus the instant the command returned, clocks aligned by IPC round trip (${round(clock.roundTripMs)} ms)`,
    `command p50 ${round(changes.commandP50Ms)} ms, p99 ${round(changes.commandP99Ms)} ms; command return → change feed (the projector's share) p50 ${round(changes.projectedP50Ms)} ms, p99 ${round(changes.projectedP99Ms)} ms; server event-loop delay p99 ${round(changes.serverLoopDelayP99Ms)} ms, client's ${round(report.clientLoopDelayP99Ms)} ms`,
    `${perOperation(cpu, changes.sent, 'change')} (a change: the command, its projection and every delivery of it); ${perOperation(cpu, settled.deliveries, 'delivery')} (all work divided by deliveries)`,
    `deliveries: ${report.all.n} of ${report.expected} expected, ${report.skipped} versions not delivered (coalesced into a later version of the order, or still pending ${SETTLE_MAX_MS / 1000} s after the last change); order pages p99 ${ms(report.orderPages.p99Ms)} (n ${report.orderPages.n}), dashboards p99 ${ms(report.dashboards.p99Ms)} (n ${report.dashboards.n}); max ${ms(report.all.maxMs)}`,
  ].join('; ');
  for (const [name, value] of [
    ['p50', report.all.p50Ms],
    ['p95', report.all.p95Ms],
    ['p99', report.all.p99Ms],
  ] as const) {
    emit({
      metric: `graphql.subscription_latency_ms.${name}`,
      value: round(value),
      unit: 'ms',
      n: report.all.n,
      conditions: setting,
    });
  }
  emit({
    metric: 'graphql.subscription_latency_ms.order_pages.p99',
    value: round(report.orderPages.p99Ms),
    unit: 'ms',
    n: report.orderPages.n,
    conditions: `orderUpdated subscribers only (p50 ${round(report.orderPages.p50Ms)} ms); ${setting}`,
  });
  if (DASHBOARDS > 0)
    emit({
      metric: 'graphql.subscription_latency_ms.dashboards.p99',
      value: round(report.dashboards.p99Ms),
      unit: 'ms',
      n: report.dashboards.n,
      conditions: `ordersChanged subscribers only (p50 ${round(report.dashboards.p50Ms)} ms); ${setting}`,
    });
  emit({
    metric: 'graphql.subscription_deliveries.per_s',
    value: round(report.all.n / (DURATION_MS / 1000)),
    unit: 'deliveries/s',
    n: report.all.n,
    conditions: `${setting}; ${settled.deliveries} deliveries in all, warm-up included`,
  });
}

/** A latency for the conditions text; an empty sample set arrives as null (NaN does not survive IPC's JSON). */
const ms = (value: number | null): string =>
  typeof value === 'number' && Number.isFinite(value) ? `${round(value)} ms` : 'none';

/** Waits until the server counts every WebSocket subscription as open (its resolver is listening). */
async function subscriptionsOpen(url: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const open = Number(/^graphql_active_subscriptions\{transport="ws"\} (\d+)/m.exec(text)?.[1] ?? 0);
    if (open >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${open} of ${count} subscriptions open after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { emit, progress, round } from '../support/output.ts';
import type { LoadClient } from './clientProcess.ts';
import type { QueryReport, QueryTarget } from './protocol.ts';
import type { BenchServer } from './server.ts';
import { perOperation, spending, type CpuSpent } from './budget.ts';

/** What an order detail screen asks: the summary, its size runs, timeline and the actions it may offer. */
export const ORDER_QUERY = `query Order($id: ID!) { order(id: $id) {
  id reference userId notes status statusLabel orderStatus createdAt updatedAt prompt priority etaDays etaAt imageUrl
  version position totalCents currency canceled holdReason
  garment { id title priceCents }
  lineItems { id size quantity technique }
  events { id status message occurredAt actor { type id } }
  allowedActions { action allowed reason }
} }`;

const CONCURRENCY = 100;
const WARMUP_MS = 1500;
const DURATION_MS = Number(process.env.BENCH_GRAPHQL_QUERY_SECONDS ?? 8) * 1000;
/** The server's read-model pool (openDatabase's default), so the peer gets the same connections. */
const SERVER_POOL = 20;
const PEER = 'pg 8 findOrder (the same SELECT, no HTTP/GraphQL)';

/** `order(id)` over HTTP at 100 connections, with the order cache and without, then the same rows straight from PostgreSQL. */
export async function queryPhase(
  server: BenchServer,
  client: LoadClient,
  targets: readonly QueryTarget[],
  conditions: string,
): Promise<void> {
  const shape = { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS };
  const cache = server.runtime.orderCache;
  const overHttp = () =>
    client.ask({
      kind: 'queries',
      url: server.url,
      query: ORDER_QUERY,
      operatorToken: server.operatorToken,
      targets,
      ...shape,
    });
  // Unmeasured: V8's compilation and each token's first verification would otherwise land on
  // whichever run goes first. The cache is emptied after it, so the cached run starts cold.
  progress('graphql: order(id) queries, process warm-up (not measured)');
  await client.ask({
    kind: 'queries',
    url: server.url,
    query: ORDER_QUERY,
    operatorToken: server.operatorToken,
    targets,
    concurrency: CONCURRENCY,
    warmupMs: 0,
    durationMs: WARMUP_MS,
  });
  cache.setEnabled(false);
  cache.setEnabled(true);
  progress(
    `graphql: order(id) queries, ${CONCURRENCY} connections, ${DURATION_MS / 1000} s, order cache on (starting cold)`,
  );
  const before = cache.stats();
  const { result: ours, cpu: ourCpu } = await spending(server, client, overHttp);
  const after = cache.stats();
  progress(`graphql: order(id) queries, ${CONCURRENCY} connections, ${DURATION_MS / 1000} s, order cache off`);
  cache.setEnabled(false);
  const { result: uncached, cpu: uncachedCpu } = await spending(server, client, overHttp).finally(() =>
    cache.setEnabled(true),
  );
  progress(`graphql: peer, the same rows through pg, ${CONCURRENCY} in flight`);
  const { result: peer, cpu: peerCpu } = await spending(server, client, () =>
    client.ask({ kind: 'peer', databaseUrl: server.databaseUrl, poolSize: SERVER_POOL, targets, ...shape }),
  );
  checkErrors('GraphQL', ours);
  checkErrors('GraphQL without the order cache', uncached);
  checkErrors('peer', peer);

  const { rows } = await server.runtime.pool.query<{ fewest: number; most: number }>(
    'select min(n)::int as fewest, max(n)::int as most from (select count(*) as n from fulfillment_events group by order_id) per_order',
  );
  const timeline = `${rows[0]?.fewest}-${rows[0]?.most} timeline entries`;
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  const cached = `order cache on: whole order rows by id kept in the server process (up to 10,000, dropped on every change the read model announces; visibility, etaDays/etaAt and allowedActions computed per request), started cold after an unmeasured warm-up of the process, hit rate ${round((100 * hits) / Math.max(1, hits + misses))}% (${hits} hits, ${misses} misses, warm-up included; no writes during this phase); the same load with the cache off is graphql.order_query_uncached.*`;
  const setting = `${conditions}; ${targets.length} orders (1-3 line items, ${timeline}, draft to in production, a tenth on hold), random id per request, half as its owner and half as an operator; ${CONCURRENCY} keep-alive HTTP/1.1 connections (undici Pool) from a separate client process; ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; fields: summary, garment, lineItems, events with actor, allowedActions; peer run right after ours from the same client process with a pg pool of ${SERVER_POOL} (the server's)`;
  const peerCost = `peer's ${perOperation(peerCpu, peer.completed, 'row read')}`;
  report('graphql.order_query', ours, peer, ourCpu, `${setting}; ${cached}`, peerCost);
  report(
    'graphql.order_query_uncached',
    uncached,
    peer,
    uncachedCpu,
    `${setting}; order cache off: every request reads its order from PostgreSQL`,
    peerCost,
  );
}

function report(
  metric: string,
  ours: QueryReport,
  peer: QueryReport,
  cpu: CpuSpent,
  setting: string,
  peerCost: string,
): void {
  const errors = `${ours.errors} errors; ${perOperation(cpu, ours.completed, 'request')}; ${peerCost}`;
  emit({
    metric: `${metric}.per_s`,
    value: round(ours.perSecond),
    unit: 'req/s',
    peer: PEER,
    peerValue: round(peer.perSecond),
    n: ours.operations,
    conditions: `${setting}; ${errors}`,
  });
  emit({
    metric: `${metric}_ms.p50`,
    value: round(ours.p50Ms),
    unit: 'ms',
    peer: PEER,
    peerValue: round(peer.p50Ms),
    n: ours.operations,
    conditions: setting,
  });
  emit({
    metric: `${metric}_ms.p99`,
    value: round(ours.p99Ms),
    unit: 'ms',
    peer: PEER,
    peerValue: round(peer.p99Ms),
    n: ours.operations,
    conditions: setting,
  });
  emit({
    metric: `${metric}.server_cpu_us`,
    value: round((cpu.serverMs * 1000) / ours.completed),
    unit: 'µs/req',
    n: ours.completed,
    conditions: `${setting}; server process CPU time per request (user+system), warm-up included; independent of the other load on the machine; ${errors}`,
  });
}

/** A run with wrong answers measured the wrong thing: a few are reported, more stop the bench. */
function checkErrors(what: string, report: QueryReport): void {
  if (report.errors > 0) progress(`graphql: ${what}: ${report.errors} wrong answers, first: ${report.firstError}`);
  if (report.errors > report.operations / 100)
    throw new Error(`${what} answered ${report.errors} of ${report.operations} requests wrongly: ${report.firstError}`);
}

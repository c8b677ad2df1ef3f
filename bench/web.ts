/**
 * Pages benchmark (`npm run bench -- web`), against the server as `npm start` composes it (see
 * bench/graphql/server.ts) with the built pages, in Debian's Chromium:
 * 1. the order page's JavaScript, gzipped (what a first visit downloads);
 * 2. cold-cache time to the order shown: a fresh browser context (empty cache) per sample, from
 *    navigation start to the order's reference on screen;
 * 3. commit → visible on the open order page, p50/p95 over BENCH_WEB_CHANGES (200) changes, beside
 *    the peer: the same changes seen by a bare graphql-ws client in Node subscribed to the same
 *    `orderUpdated`. "Commit" is the change's `occurredAt` (the server's clock, the same machine).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Json } from '../test/http/harness.ts';
import { launchBrowser } from '../test/support/browser.ts';
import { startBenchServer, type BenchServer } from './graphql/server.ts';
import { emit, progress, round } from './support/output.ts';

const CHANGES = Number(process.env.BENCH_WEB_CHANGES ?? 200);
const COLD_SAMPLES = Number(process.env.BENCH_WEB_COLD_SAMPLES ?? 10);
const DIST = join(process.cwd(), 'web', 'dist');

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function gql(server: BenchServer, token: string, query: string, variables: Record<string, unknown>): Promise<Json> {
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function bundleSize(): void {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const bytes = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(DIST, src))).length, 0);
  emit({ metric: 'web_order_page_js_gzip', value: round(bytes / 1024), unit: 'kB', n: scripts.length, conditions: `gzip -6 of the JavaScript the order page's HTML loads (${scripts.length} file(s)); budget 150 kB` });
}

export async function run(): Promise<void> {
  const built = spawnSync(process.execPath, ['scripts/web.mjs', 'build', '--if-missing'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error('building the pages failed');
  bundleSize();

  progress('web: starting embedded PostgreSQL, the server and Chromium');
  const server = await startBenchServer();
  const browser = await launchBrowser();
  try {
    const customerId = crypto.randomUUID();
    const token = await server.token(customerId);
    const created = await gql(server, token, 'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id reference } } }', {
      input: { designUrl: 'https://designs.example.com/bench.png', garmentId: 'classic-tee', sizes: [{ size: 'M', quantity: 1 }] },
    });
    const { id, reference } = created.createProductionOrder.order as { id: string; reference: string };
    const pageUrl = `${server.url}/orders/${id}`;

    progress(`web: cold-cache loads of the order page (${COLD_SAMPLES})`);
    const cold: number[] = [];
    for (let i = 0; i < COLD_SAMPLES; i++) {
      const context = await browser.newContext();
      await context.addInitScript((value) => localStorage.setItem('po.token', value), token);
      await context.route('https://designs.example.com/**', (route) => route.fulfill({ status: 404, body: '' }));
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(pageUrl, { waitUntil: 'commit' });
      await page.getByTestId('reference').filter({ hasText: reference }).waitFor({ timeout: 30_000 });
      cold.push(Date.now() - started);
      await context.close();
    }
    cold.sort((a, b) => a - b);
    emit({ metric: 'web_order_page_cold_load_p50', value: round(percentile(cold, 50)), unit: 'ms', n: cold.length, conditions: `fresh browser context per load (empty cache), headless Chromium, 127.0.0.1; navigation start to the order's reference shown; ${setting()}` });

    progress(`web: ${CHANGES} changes seen on the page and by a bare graphql-ws client`);
    const context = await browser.newContext();
    await context.addInitScript((value) => localStorage.setItem('po.token', value), token);
    const page = await context.newPage();
    await page.goto(pageUrl);
    await page.locator('[data-connection="online"]').waitFor({ timeout: 30_000 });
    // The page records when each bench message appears in its timeline.
    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { benchSeen: Record<string, number> }).benchSeen = seen;
      new MutationObserver(() => {
        const now = Date.now();
        for (const element of document.querySelectorAll('.timeline-message')) {
          const text = element.textContent ?? '';
          if (text.startsWith('bench-') && seen[text] === undefined) seen[text] = now;
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const peerSeen = new Map<string, number>();
    const peer = createClient({ url: `${server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` } });
    const stopPeer = peer.subscribe<{ orderUpdated: { events: { message: string | null }[] } }>(
      { query: 'subscription ($id: ID!) { orderUpdated(id: $id) { events { message } } }', variables: { id } },
      {
        next: ({ data }) => {
          const now = Date.now();
          for (const event of data?.orderUpdated.events ?? []) if (event.message?.startsWith('bench-') && !peerSeen.has(event.message)) peerSeen.set(event.message, now);
        },
        error: (error) => progress(`web: peer subscription failed: ${String(error)}`),
        complete: () => undefined,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let i = 0; i < CHANGES; i++) {
      await gql(server, server.operatorToken, 'mutation ($id: ID!, $message: String!) { postOrderMessage(id: $id, message: $message) { id } }', { id, message: `bench-${i}` });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const deadline = Date.now() + 30_000;
    let pageSeen: Record<string, number> = {};
    while (Date.now() < deadline) {
      pageSeen = await page.evaluate(() => (window as unknown as { benchSeen: Record<string, number> }).benchSeen);
      if (Object.keys(pageSeen).length >= CHANGES && peerSeen.size >= CHANGES) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    stopPeer();
    await peer.dispose();
    const timeline = await gql(server, token, 'query ($id: ID!) { order(id: $id) { events { message occurredAt } } }', { id });
    const committed = new Map<string, number>((timeline.order.events as { message: string | null; occurredAt: string }[]).filter((e) => e.message?.startsWith('bench-')).map((e) => [e.message!, Date.parse(e.occurredAt)]));
    const latencies = (seen: (message: string) => number | undefined) =>
      [...committed].flatMap(([message, at]) => {
        const when = seen(message);
        return when === undefined ? [] : [Math.max(0, when - at)];
      }).sort((a, b) => a - b);
    const onPage = latencies((message) => pageSeen[message]);
    const onPeer = latencies((message) => peerSeen.get(message));
    const conditions = `${CHANGES} postOrderMessage changes 20 ms apart, one order page open in headless Chromium (React render included) vs a bare graphql-ws client in Node, same order; from the change's occurredAt; ${onPage.length}/${CHANGES} seen on the page, ${onPeer.length}/${CHANGES} by the peer; ${setting()}`;
    for (const p of [50, 95]) {
      emit({ metric: `web_commit_to_visible_p${p}`, value: round(percentile(onPage, p)), unit: 'ms', peer: 'graphql-ws client (Node)', peerValue: round(percentile(onPeer, p)), n: onPage.length, conditions });
    }
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}
export default run;

const setting = (): string => `${cpus().length} cores shared by server, PostgreSQL, Chromium and whatever else runs (1-min load avg ${loadavg()[0]!.toFixed(1)})`;

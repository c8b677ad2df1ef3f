import type { WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, keepScreenshot } from '../support/browser.ts';
import { openPagesFixture, type PagesFixture } from './pagesHarness.ts';

const skip = browserSkipReason();

interface Connection {
  readonly route: WebSocketRoute;
  /** What the page sent on this socket, parsed (graphql-ws messages). */
  readonly sent: { type: string; payload?: { variables?: Record<string, unknown> } }[];
}

describe.skipIf(skip)('the order page across a lost WebSocket', () => {
  let fx: PagesFixture;
  beforeAll(async () => {
    fx = await openPagesFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('shows every change made while its socket was cut exactly once, and resumes from the last position it showed', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token);
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    await fx.pay(page, order.checkoutUrl);

    // Every socket of the page goes through here: its frames recorded, and refused while `cut`.
    const connections: Connection[] = [];
    let cut = false;
    await page.routeWebSocket(/\/graphql$/, (route) => {
      if (cut) {
        void route.close({ code: 3000, reason: 'cut by the test' });
        return;
      }
      const connection: Connection = { route, sent: [] };
      connections.push(connection);
      const server = route.connectToServer();
      route.onMessage((message) => {
        connection.sent.push(JSON.parse(String(message)));
        server.send(message);
      });
      server.onMessage((message) => route.send(message));
    });

    await page.goto(`${fx.url}/orders/${order.id}`);
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Queued');
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 10_000 }).toBe('online');
    const shownBeforeCut = await page.locator('[data-position]').getAttribute('data-position');
    const first = connections.at(-1)!;
    expect(first.sent.find((m) => m.type === 'subscribe')?.payload?.variables?.afterPosition).toBe(shownBeforeCut);

    cut = true;
    await first.route.close({ code: 3000, reason: 'cut by the test' });
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 10_000 }).toBe('offline');
    expect(await page.getByRole('status').filter({ hasText: 'Offline' }).count()).toBe(1);
    await keepScreenshot(page, 'order-offline');

    const messages = ['First note while offline', 'Second note while offline', 'Third note while offline'];
    for (const message of messages) {
      await fx.gql(fx.operator, 'mutation ($id: ID!, $message: String!) { postOrderMessage(id: $id, message: $message) { id } }', { id: order.id, message });
    }
    const latest = (await fx.gql(customer.token, 'query ($id: ID!) { order(id: $id) { position } }', { id: order.id })).order.position;
    // Nothing reached the page while cut.
    expect(await page.locator('[data-position]').getAttribute('data-position')).toBe(shownBeforeCut);
    const connectionsWhileCut = connections.length;

    cut = false;
    await expect.poll(() => page.locator('[data-position]').getAttribute('data-position'), { timeout: 30_000 }).toBe(latest);
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 10_000 }).toBe('online');
    for (const message of messages) expect(await page.locator('.timeline-message', { hasText: message }).count()).toBe(1);

    const resumed = connections.slice(connectionsWhileCut);
    expect(resumed).toHaveLength(1);
    const subscribe = resumed[0]!.sent.find((m) => m.type === 'subscribe');
    expect(subscribe?.payload?.variables).toEqual({ id: order.id, afterPosition: shownBeforeCut });

    // And it stays live on the new socket.
    await fx.gql(fx.operator, 'mutation ($id: ID!) { setOrderStatus(id: $id, status: APPROVED) { id } }', { id: order.id });
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Printing');
    expect(await page.locator('.timeline-message', { hasText: 'Third note while offline' }).count()).toBe(1);
    await context.close();
  });
});

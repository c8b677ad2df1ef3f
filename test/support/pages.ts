/**
 * What the page tests share: the server stack (`stack.ts`: openRuntime + buildApp, embedded
 * PostgreSQL, simulated payments) on a fixed port with a matching PUBLIC_BASE_URL, so the checkout's
 * redirects land on it; the built pages (built once when web/dist is missing); Chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { graphql, type Json } from './http.ts';
import { openStack, type Stack } from './stack.ts';

const PAGES = join(process.cwd(), 'web', 'dist', 'index.html');

/** Builds the pages as `npm start` does when they are missing (a fresh worktree). */
export function ensurePagesBuilt(): void {
  if (existsSync(PAGES)) return;
  const result = spawnSync(process.execPath, ['scripts/web.mjs', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the pages failed');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A small design served for the designs' outside URL: the tests reach no other host. */
const DESIGN_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="180" height="180"><rect width="180" height="180" fill="#2b6cb0"/><circle cx="90" cy="90" r="50" fill="#f6e05e"/></svg>';
export const DESIGN_URL = 'https://designs.example.com/owl.svg';

/** The stack (`stack.ts`) on a fixed port, with Chromium. */
export interface PagesFixture extends Stack {
  readonly browser: Browser;
  /** A browser context signed in with `token` through `/signin#token=…` (or anonymous without one); `options` such as `timezoneId`. */
  context(token?: string, options?: BrowserContextOptions): Promise<BrowserContext>;
  /** GraphQL over HTTP; throws on errors. */
  gql(token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<Json>;
  /** A draft order of `token`'s user: its id and checkout URL. */
  createOrder(
    token: string,
    input?: Record<string, unknown>,
  ): Promise<{ id: string; reference: string; checkoutUrl: string }>;
  /** Pays a draft on its simulated checkout page in `page` (Pay), landing on the success page. */
  pay(page: Page, checkoutUrl: string): Promise<void>;
  close(): Promise<void>;
}

/** `env`: configuration over the fixture's (e.g. `SHOP_TIME_ZONE`). */
export async function openPagesFixture(
  options: { readonly env?: Readonly<Record<string, string>> } = {},
): Promise<PagesFixture> {
  ensurePagesBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const stack = await openStack({ env: { ...options.env, PORT: String(port), PUBLIC_BASE_URL: url } });
  const browser = await launchBrowser();
  const contexts: BrowserContext[] = [];

  const gql = async (token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<Json> => {
    const { body } = await graphql(url, query, { ...(token ? { token } : {}), ...(variables ? { variables } : {}) });
    if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data;
  };

  return {
    ...stack,
    browser,
    async context(token, options = {}) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...options });
      contexts.push(context);
      await context.route('https://designs.example.com/**', (route) =>
        route.fulfill({ status: 200, contentType: 'image/svg+xml', body: DESIGN_SVG }),
      );
      if (token) {
        const page = await context.newPage();
        await page.goto(`${url}/signin#token=${encodeURIComponent(token)}&next=/orders`);
        await page.waitForURL(`${url}/orders`);
        await page.close();
      }
      return context;
    },
    gql,
    async createOrder(token, input = {}) {
      const data = await gql(
        token,
        'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { id reference } checkoutUrl } }',
        {
          input: {
            designUrl: DESIGN_URL,
            garmentId: 'classic-tee',
            sizes: [
              { size: 'M', quantity: 2 },
              { size: 'L', quantity: 1 },
            ],
            ...input,
          },
        },
      );
      return {
        id: data.createProductionOrder.order.id,
        reference: data.createProductionOrder.order.reference,
        checkoutUrl: data.createProductionOrder.checkoutUrl,
      };
    },
    async pay(page, checkoutUrl) {
      await page.goto(checkoutUrl);
      await page.getByRole('button', { name: /^Pay/ }).click();
      await page.waitForURL(/\/order-success\?order=/);
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await stack.close();
    },
  };
}

/** Text of the status badge, the connection banner, etc.: by test id. */
export const byTestId = (page: Page, id: string) => page.getByTestId(id);

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, keepScreenshot, launchBrowser } from '../support/browser.ts';
import { newId } from '../support/http.ts';
import { openStack, type Stack } from '../support/stack.ts';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`GraphiQL browser test skipped: ${skipReason}`);

/**
 * GraphiQL in real Chromium, as a developer opens it: served from our own origin under the
 * Content-Security-Policy (no inline script, scripts and styles from 'self'), with every other
 * origin cut off. It must render, take a typed query, run it and show the result, without one
 * CSP violation and without one request leaving the origin.
 */
describe.skipIf(skipReason)('GraphiQL and the API docs in Chromium', () => {
  let fx: Stack;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    fx = await openStack();
    base = fx.servers[0]!.url;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  /** A page whose requests to any other origin are aborted and recorded, and whose CSP violations are recorded. */
  async function guardedPage(): Promise<{ page: Page; foreign: string[]; violations: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const foreign: string[] = [];
    const violations: string[] = [];
    const errors: string[] = [];
    const origin = new URL(base).origin;
    await page.route('**/*', (route) => {
      const url = route.request().url();
      // data: and blob: never reach the network; anything else must be this origin.
      if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) return route.continue();
      foreign.push(url);
      return route.abort('blockedbyclient');
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { __violations: string[] }).__violations ??= [];
        (window as unknown as { __violations: string[] }).__violations.push(
          `${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} ${event.sample}`,
        );
      });
    });
    page.on('console', (message) => {
      const text = message.text();
      if (/Content[- ]Security[- ]Policy/i.test(text)) violations.push(text);
      else if (message.type() === 'error') errors.push(text);
    });
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, foreign, violations, errors };
  }

  it('renders from this origin under the CSP and runs a typed query', async () => {
    const { page, foreign, violations, errors } = await guardedPage();
    const response = await page.goto(`${base}/graphql`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    // Scripts from this origin only, nothing inline or evaluated; inline styles are allowed on
    // this page alone (its editor positions lines with style attributes).
    const csp = Object.fromEntries(
      (response?.headers()['content-security-policy'] ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);

    // The editor is up when its query editor takes focus and typing.
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 30_000 });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    const userId = newId();
    const token = await fx.token(userId);
    await page.keyboard.type('{ viewer { id isOperator } }');

    // The token goes in the Headers tab, as the start banner tells developers to do.
    await page
      .getByRole('button', { name: /headers/i })
      .first()
      .click();
    const headers = page.locator('.graphiql-editor-tool .monaco-editor').last();
    await headers.waitFor({ state: 'visible', timeout: 10_000 });
    await headers.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify({ authorization: `Bearer ${token}` }));

    await page
      .getByRole('button', { name: /execute query/i })
      .first()
      .click();
    const result = page.locator('.graphiql-response');
    await expect.poll(async () => result.innerText(), { timeout: 20_000 }).toContain(userId);
    expect(await result.innerText()).toMatch(/"isOperator":\s*false/);

    await keepScreenshot(page, 'graphiql');
    const pageViolations = await page.evaluate(
      () => (window as unknown as { __violations?: string[] }).__violations ?? [],
    );
    expect(pageViolations, 'securitypolicyviolation events').toEqual([]);
    expect(violations, 'CSP messages on the console').toEqual([]);
    expect(foreign, 'requests to other origins').toEqual([]);
    expect(errors, 'page errors').toEqual([]);
    await page.close();
  });

  it("shows the API docs (/docs, Swagger UI) under the developer pages' CSP, nothing from elsewhere", async () => {
    const { page, foreign, violations, errors } = await guardedPage();
    const response = await page.goto(`${base}/docs/`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').waitFor({ state: 'visible', timeout: 20_000 });
    await page
      .locator('.opblock-summary-path', { hasText: '/api/production' })
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
    await keepScreenshot(page, 'docs');
    const pageViolations = await page.evaluate(
      () => (window as unknown as { __violations?: string[] }).__violations ?? [],
    );
    expect(pageViolations, 'securitypolicyviolation events').toEqual([]);
    expect(violations, 'CSP messages on the console').toEqual([]);
    expect(foreign, 'requests to other origins').toEqual([]);
    expect(errors, 'page errors').toEqual([]);
    await page.close();
  });
});

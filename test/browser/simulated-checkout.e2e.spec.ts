import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, keepScreenshot, launchBrowser, seriousAxeViolations } from '../support/browser.ts';
import { newId, request } from '../support/http.ts';
import { openStack, orderBody, type Stack } from '../support/stack.ts';

/** As strict as a page can be and still work: its own stylesheet and its own form, nothing else. */
const STRICT_CSP = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

describe.skipIf(browserSkipReason())('the simulated Checkout page in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    stack = await openStack();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('is accessible, reachable by keyboard and fully styled under a strict Content-Security-Policy', async () => {
    const token = await stack.token(newId());
    const created = await request(stack.url, 'POST', '/api/production', { token, body: orderBody() });
    expect(created.status).toBe(201);
    const pageUrl = `${stack.url}${new URL(created.body.checkoutUrl as string).pathname}`;

    const context = await browser.newContext();
    const page = await context.newPage();
    // The server's answer with a strict policy added, as a hardened deployment would send it.
    await page.route(pageUrl, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': STRICT_CSP } });
    });
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const answer = await page.goto(pageUrl);
    expect(answer?.status()).toBe(200);
    await keepScreenshot(page, 'simulated-checkout');

    expect(violations).toEqual([]);
    // The stylesheet applied: the system font stack, and the Pay button styled as the product's.
    expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toMatch(/system-ui/);
    const pay = page.getByRole('button', { name: 'Pay $90.00' });
    expect(
      await pay.evaluate((button) => getComputedStyle(button).width === getComputedStyle(button.parentElement!).width),
    ).toBe(true);
    expect(await page.getByRole('main').getByRole('heading', { level: 1 }).textContent()).toMatch(/^Order PO-\d+$/);

    // Keyboard: Tab reaches the Pay button.
    let reached = false;
    for (let presses = 0; presses < 10 && !reached; presses += 1) {
      await page.keyboard.press('Tab');
      reached = await pay.evaluate((button) => document.activeElement === button);
    }
    expect(reached).toBe(true);
    await context.close();

    // axe is a script the strict policy rightly refuses: it runs on the page as served.
    const plain = await browser.newContext();
    const again = await plain.newPage();
    await again.goto(pageUrl);
    expect(await seriousAxeViolations(again)).toEqual([]);
    await plain.close();
  });
});

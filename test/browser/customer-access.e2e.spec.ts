import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { openPagesFixture, type PagesFixture } from '../support/pages.ts';

const skip = browserSkipReason();

describe.skipIf(skip)('signing in, the order list, and what other customers see', () => {
  let fx: PagesFixture;
  beforeAll(async () => {
    fx = await openPagesFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('shows another customer a not-found page for the order, exactly as for a missing one', async () => {
    const owner = await fx.customer();
    const stranger = await fx.customer();
    const order = await fx.createOrder(owner.token, { notes: 'Owner-only note' });
    const context = await fx.context(stranger.token);
    const page = await context.newPage();
    await page.goto(`${fx.url}/orders/${order.id}`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 })
      .toBe('Not found');
    expect(await page.textContent('body')).not.toContain(order.reference);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'order-not-found');
    await page.goto(`${fx.url}/orders/00000000-0000-4000-8000-000000000000`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 })
      .toBe('Not found');
    await context.close();
  });

  it('signs in from a /signin#token link: keeps the token, drops the fragment from the address and history, and goes to next', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token);
    const context = await fx.context();
    const page = await context.newPage();
    await page.goto(`${fx.url}/signin#token=${customer.token}&next=${encodeURIComponent(`/orders/${order.id}`)}`);
    await page.waitForURL(`${fx.url}/orders/${order.id}`, { timeout: 10_000 });
    await expect.poll(() => page.getByTestId('reference').textContent(), { timeout: 10_000 }).toBe(order.reference);
    expect(page.url()).not.toContain('token');
    expect(await page.evaluate(() => localStorage.getItem('po.token'))).toBe(customer.token);
    // `next` never leaves the origin.
    await page.goto(`${fx.url}/signin#token=${customer.token}&next=//evil.example/x`);
    await page.waitForURL(`${fx.url}/orders`, { timeout: 10_000 });
    await context.close();
  });

  it('says how to get a token when none is stored, and is accessible', async () => {
    const context = await fx.context();
    const page = await context.newPage();
    await page.goto(`${fx.url}/orders`);
    await expect
      .poll(() => page.getByRole('heading', { level: 2 }).first().textContent(), { timeout: 10_000 })
      .toBe('Sign in to see your orders');
    expect(await page.textContent('main')).toContain('npm run cli -- token <userId>');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(`${fx.url}/signin`);
    await page.getByLabel('Bearer token').fill('not-a-token');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'signin');
    await context.close();
  });

  it('tells a customer whose token is no longer valid to sign in again', async () => {
    const context = await fx.context('not.a.valid-token');
    const page = await context.newPage();
    await page.goto(`${fx.url}/orders`);
    await expect
      .poll(() => page.getByRole('heading', { level: 2 }).first().textContent(), { timeout: 10_000 })
      .toBe('Your sign-in is no longer valid');
    await context.close();
  });

  it("lists the customer's own orders, newest first, a page at a time, each linking to its page", async () => {
    const customer = await fx.customer();
    const other = await fx.customer();
    await fx.createOrder(other.token);
    const references: string[] = [];
    for (let i = 0; i < 11; i++) references.push((await fx.createOrder(customer.token)).reference);
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    await page.goto(`${fx.url}/orders`);
    const shown = () => page.locator('table.orders tbody tr td:first-child').allTextContents();
    await expect.poll(shown, { timeout: 10_000 }).toEqual(references.slice(1).reverse());
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'orders');
    await page.getByRole('button', { name: 'Show more orders' }).click();
    await expect.poll(shown, { timeout: 10_000 }).toEqual([...references].reverse());
    expect(await page.getByRole('button', { name: 'Show more orders' }).count()).toBe(0);
    await page.getByRole('link', { name: references[0]! }).click();
    await expect.poll(() => page.getByTestId('reference').textContent(), { timeout: 10_000 }).toBe(references[0]);
    await context.close();
  });

  it('cancels a draft through the server and shows its answer; a canceled order shows as canceled', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token);
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    await page.goto(`${fx.url}/orders/${order.id}`);
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('button', { name: 'Yes, cancel order' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'is canceled' }).count(), { timeout: 10_000 })
      .toBe(1);
    expect(await page.getByTestId('status').textContent()).toBe('Canceled');
    expect(await page.locator('[data-eta-state]').getAttribute('data-eta-state')).toBe('canceled');
    const stored = (
      await fx.gql(customer.token, 'query ($id: ID!) { order(id: $id) { orderStatus canceled } }', { id: order.id })
    ).order;
    expect(stored).toEqual({ orderStatus: 'CANCELED', canceled: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'order-canceled');
    await context.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { openPagesFixture, type PagesFixture } from '../support/pages.ts';

const skip = browserSkipReason();
const ORDER_FIELDS = 'id orderStatus version position';

describe.skipIf(skip)('the customer order pages, in a browser', () => {
  let fx: PagesFixture;
  beforeAll(async () => {
    fx = await openPagesFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('shows a draft with its cancel action, then, paid at checkout, lands on the success page and shows the order queued live with the payment message', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token);
    const context = await fx.context(customer.token);
    const page = await context.newPage();

    await page.goto(`${fx.url}/orders/${order.id}`);
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Spec Review');
    expect(await page.getByTestId('reference').textContent()).toBe(order.reference);
    expect(await page.getByRole('button', { name: 'Cancel order' }).isEnabled()).toBe(true);
    expect(await page.locator('[data-eta-state]').textContent()).toBe('Ready within 5 days of payment');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'order-draft');

    await page.goto(order.checkoutUrl);
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.waitForURL(`${fx.url}/order-success?order=${order.id}`);
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Queued');
    expect(await page.getByTestId('payment-state').textContent()).toContain('Payment confirmed');
    await expect
      .poll(() => page.locator('.timeline').textContent(), { timeout: 10_000 })
      .toContain('Payment confirmed, order queued for production');
    expect(await page.locator('[data-stop="queued"]').getAttribute('data-state')).toBe('CURRENT');
    expect(await page.locator('[data-stop="spec-review"]').getAttribute('data-state')).toBe('DONE');
    expect(await page.getByRole('link', { name: 'Pay now' }).count()).toBe(0);
    expect(await page.locator('[data-eta-state]').getAttribute('data-eta-state')).toBe('running');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'order-success-queued');
    await context.close();
  });

  it('says the payment is being confirmed until the webhook has landed, then shows the order queued, live', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token);
    const context = await fx.context(customer.token);
    const success = await context.newPage();
    // Stripe may redirect before its webhook lands: the success page is open while the order is still a draft.
    await success.goto(`${fx.url}/order-success?order=${order.id}`);
    await expect
      .poll(() => success.getByTestId('payment-state').textContent(), { timeout: 10_000 })
      .toBe('Payment received: confirming with the payment provider…');
    await expect
      .poll(() => success.locator('[data-connection]').getAttribute('data-connection'), { timeout: 10_000 })
      .toBe('online');
    expect(await success.getByRole('link', { name: 'Pay now' }).count()).toBe(0);
    expect(await success.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    expect(await seriousAxeViolations(success)).toEqual([]);
    await keepScreenshot(success, 'order-success-confirming');

    await fx.pay(await context.newPage(), order.checkoutUrl);
    await expect
      .poll(() => success.getByTestId('payment-state').textContent(), { timeout: 10_000 })
      .toBe('Payment confirmed: your order is queued for production.');
    expect(await success.getByTestId('status').textContent()).toBe('Queued');
    await context.close();
  });

  it('is usable by keyboard: cancel, confirm, and the answer shown', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token);
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    await page.goto(`${fx.url}/orders/${order.id}`);
    await expect.poll(() => page.getByTestId('reference').textContent(), { timeout: 10_000 }).toBe(order.reference);
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(() => document.activeElement?.textContent)) === 'Cancel order';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    // The safe choice takes the focus; the other is one Shift+Tab away.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep order');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Yes, cancel order');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'is canceled' }).count(), { timeout: 10_000 })
      .toBe(1);
    expect(await page.getByTestId('status').textContent()).toBe('Canceled');
    await context.close();
  });

  // Needs the webapi branch (ProductionOrder.checkoutUrl).
  it("offers a draft's checkout as Pay now, also on Stripe's cancel URL (the order page)", async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token);
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    await page.goto(`${fx.url}/orders/${order.id}`);
    const payNow = page.getByRole('link', { name: 'Pay now' });
    expect(await payNow.getAttribute('href')).toBe(order.checkoutUrl);
    await payNow.click();
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.waitForURL(`${fx.url}/order-success?order=${order.id}`);
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Queued');
    await context.close();
  });

  it('shows an operator approving and holding the order without a reload: Printing, then the countdown paused, the route map moving', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token, { priority: 'RUSH' });
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    await fx.pay(page, order.checkoutUrl);
    await page.goto(`${fx.url}/orders/${order.id}`);
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Queued');
    await expect
      .poll(() => page.locator('[role=status][data-connection]').getAttribute('data-connection'), { timeout: 10_000 })
      .toBe('online');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const ticking1 = await page.locator('[data-eta-state]').textContent();
    await expect.poll(() => page.locator('[data-eta-state]').textContent(), { timeout: 3000 }).not.toBe(ticking1);

    await fx.gql(
      fx.operator,
      `mutation ($id: ID!) { setOrderStatus(id: $id, status: APPROVED, message: "Spec approved") { ${ORDER_FIELDS} } }`,
      { id: order.id },
    );
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Printing');
    expect(await page.locator('[data-stop="printing"]').getAttribute('data-state')).toBe('CURRENT');
    expect(await page.locator('[data-stop="queued"]').getAttribute('data-state')).toBe('DONE');
    expect(await page.locator('[data-stop="printing"] time').count()).toBe(1);

    await fx.gql(
      fx.operator,
      `mutation ($id: ID!) { setOrderPriority(id: $id, priority: HOLD, reason: "Artwork question") { ${ORDER_FIELDS} } }`,
      { id: order.id },
    );
    await expect
      .poll(() => page.locator('[data-eta-state]').getAttribute('data-eta-state'), { timeout: 10_000 })
      .toBe('paused');
    const paused = await page.locator('[data-eta-state]').textContent();
    expect(paused).toMatch(/^Paused \(on hold\): 1d 23:\d\d:\d\d left$/);
    expect(await page.getByTestId('priority').textContent()).toBe('Hold priority');
    expect(await page.getByText('On hold: Artwork question').count()).toBe(1);
    await page.waitForTimeout(1500);
    expect(await page.locator('[data-eta-state]').textContent()).toBe(paused);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'order-on-hold');
    await context.close();
  });
});

// Needs the money branch (ProductionOrder.payment).
describe.skipIf(skip)('a paid order canceled, in a browser', () => {
  let fx: PagesFixture;
  beforeAll(async () => {
    fx = await openPagesFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('shows what was paid and the refund the server recorded as requested', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token);
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    await fx.pay(page, order.checkoutUrl);
    await page.goto(`${fx.url}/orders/${order.id}`);
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Queued');
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('button', { name: 'Yes, cancel order' }).click();
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Canceled');
    await expect.poll(() => page.getByRole('heading', { name: 'Refund' }).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.locator('.facts').textContent(), { timeout: 10_000 }).toContain('$54.00');
    expect(await page.getByTestId('refund-status').textContent()).toMatch(/Refund requested|Refunded in full/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'order-canceled-refund');
    await context.close();
  });
});

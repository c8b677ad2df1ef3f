// Needs the webapi branch: ProductionOrder.publicTrackingUrl, issueTrackingLink, revokeTrackingLink,
// trackOrder and trackedOrderUpdated are served there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { openPagesFixture, type PagesFixture } from '../support/pages.ts';

const skip = browserSkipReason();

describe.skipIf(skip)('the public tracking page', () => {
  let fx: PagesFixture;
  beforeAll(async () => {
    fx = await openPagesFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('shows progress live to anyone with the link, nothing personal, and stops working once the link is revoked', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token, { notes: 'Secret gift for Alex' });
    const payer = await fx.context(customer.token);
    await fx.pay(await payer.newPage(), order.checkoutUrl);
    const issued = await fx.gql(
      customer.token,
      'mutation ($id: ID!) { issueTrackingLink(id: $id) { publicTrackingUrl } }',
      { id: order.id },
    );
    const link: string = issued.issueTrackingLink.publicTrackingUrl;
    expect(link.startsWith(`${fx.url}/track/`)).toBe(true);

    const anonymous = await fx.context();
    const page = await anonymous.newPage();
    await page.goto(link);
    await expect.poll(() => page.getByTestId('reference').textContent(), { timeout: 10_000 }).toBe(order.reference);
    expect(await page.getByTestId('status').textContent()).toBe('Queued');
    await expect
      .poll(() => page.locator('.timeline').textContent(), { timeout: 10_000 })
      .toContain('Payment confirmed, order queued for production');
    const body = await page.textContent('body');
    expect(body).not.toContain('Secret gift');
    expect(body).not.toMatch(/\$\d/);
    expect(body).not.toContain(customer.id);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'track');

    await expect
      .poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 10_000 })
      .toBe('online');
    await fx.gql(fx.operator, 'mutation ($id: ID!) { setOrderStatus(id: $id, status: APPROVED) { id } }', {
      id: order.id,
    });
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('Printing');
    expect(await page.locator('[data-stop="printing"]').getAttribute('data-state')).toBe('CURRENT');

    await fx.gql(fx.operator, 'mutation ($id: ID!) { revokeTrackingLink(id: $id) { publicTrackingUrl } }', {
      id: order.id,
    });
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 })
      .toBe('This tracking link does not work');
    await page.reload();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 })
      .toBe('This tracking link does not work');
  });
});

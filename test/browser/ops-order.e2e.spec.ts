import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedPaymentIntentId } from '../../src/payments/simulatedObjects.ts';
import { newId } from '../support/http.ts';
import { deliver } from '../webhooks/deliver.ts';
import { disputeObject, stripeEvent } from '../webhooks/stripe-fixtures.ts';
import { browserSkipReason, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { openPagesFixture, type PagesFixture } from '../support/pages.ts';

const skip = browserSkipReason();
const WAIT = { timeout: 15_000 };

describe.skipIf(skip)("the operator's order page", () => {
  let fx: PagesFixture;
  let operatorContext: BrowserContext;
  beforeAll(async () => {
    fx = await openPagesFixture();
    operatorContext = await fx.context(fx.operator);
  });
  afterAll(async () => {
    await fx?.close();
  });

  /** A paid order (Queued) and its customer's browser context, left on the customer's order page. */
  async function paidOrder() {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token);
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    await fx.pay(page, order.checkoutUrl);
    await page.goto(`${fx.url}/orders/${order.id}`);
    await expect.poll(() => page.getByTestId('status').textContent(), WAIT).toBe('Queued');
    return { customer, order, context, page };
  }

  async function opsPage(orderId: string, context: BrowserContext = operatorContext): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${fx.url}/ops/orders/${orderId}`);
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection'), WAIT).toBe('online');
    return page;
  }

  const action = (page: Page, name: string) => page.locator(`[data-action="${name}"]`);
  const outcomeOf = (page: Page, name: string) => action(page, name).locator('[aria-live]');
  const gqlOrder = async (id: string, fields: string): Promise<Record<string, unknown>> =>
    (await fx.gql(fx.operator, `query ($id: ID!) { order(id: $id) { ${fields} } }`, { id })).order as Record<
      string,
      unknown
    >;

  it("approves from the order's page, and the customer's open page follows without a reload", async () => {
    const { order, context, page: customerPage } = await paidOrder();
    // A reload would lose this.
    await customerPage.evaluate(() => ((window as unknown as { unreloaded: boolean }).unreloaded = true));

    const page = await opsPage(order.id);
    expect(await page.getByTestId('reference').textContent()).toBe(order.reference);
    // Who did what: the payment came from Stripe (simulated), the creation from the customer.
    expect(await page.locator('.timeline [data-testid="timeline-actor"]').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^by customer /)]),
    );
    const version = Number(await page.getByTestId('shown-version').textContent());

    await action(page, 'APPROVE').getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => outcomeOf(page, 'APPROVE').textContent(), WAIT).toBe('Approved. Now Printing.');
    expect(await page.getByTestId('status').textContent()).toBe('Printing');
    expect(Number(await page.getByTestId('shown-version').textContent())).toBeGreaterThan(version);
    // The entry it added names the operator.
    await expect.poll(() => page.locator('.timeline li').last().textContent(), WAIT).toContain('by operator');

    await expect.poll(() => customerPage.getByTestId('status').textContent(), WAIT).toBe('Printing');
    expect(await customerPage.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);
    // The customer's page never shows who (operators' ids stay theirs).
    expect(await customerPage.locator('[data-testid="timeline-actor"]').count()).toBe(0);

    // Approved: approving again is refused by the rules, shown disabled with their reason.
    const approve = action(page, 'APPROVE').getByRole('button', { name: 'Approve' });
    expect(await approve.isDisabled()).toBe(true);
    expect(await action(page, 'APPROVE').getByTestId('reason').textContent()).toMatch(/already approved/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-order-approved');
    await page.close();
    await context.close();
  });

  it("holds with a reason, by keyboard: the customer's countdown pauses and start production is disabled with the hold reason", async () => {
    const { order, context, page: customerPage } = await paidOrder();
    await fx.gql(fx.operator, 'mutation ($id: ID!) { setOrderStatus(id: $id, status: APPROVED) { id } }', {
      id: order.id,
    });
    await expect
      .poll(() => customerPage.locator('[data-eta-state]').getAttribute('data-eta-state'), WAIT)
      .toBe('running');

    const page = await opsPage(order.id);
    await expect.poll(() => page.getByTestId('status').textContent(), WAIT).toBe('Printing');
    const start = action(page, 'START_PRODUCTION').getByRole('button', { name: 'Start production' });
    expect(await start.isEnabled()).toBe(true);

    // Keyboard only: focus the Hold button, open its dialog, type the reason, submit with Enter.
    const hold = action(page, 'SET_PRIORITY').getByRole('button', { name: 'Hold…' });
    await hold.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Hold order ${order.reference}` });
    await expect.poll(() => dialog.isVisible(), WAIT).toBe(true);
    // The dialog took focus, into its reason field.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('reason');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-order-hold-dialog');
    await page.keyboard.type('Artwork resolution too low');
    await page.keyboard.press('Enter');

    await expect
      .poll(() => outcomeOf(page, 'SET_PRIORITY').textContent(), WAIT)
      .toBe('On hold: Artwork resolution too low');
    expect(await dialog.isVisible()).toBe(false);
    // Focus came back by the action (its button is replaced by the release buttons, so to its outcome).
    await expect
      .poll(
        () => page.evaluate(() => document.activeElement?.closest('[data-action]')?.getAttribute('data-action')),
        WAIT,
      )
      .toBe('SET_PRIORITY');

    await expect.poll(() => start.isDisabled(), WAIT).toBe(true);
    expect(await start.getAttribute('aria-describedby')).toBeTruthy();
    expect(await action(page, 'START_PRODUCTION').getByTestId('reason').textContent()).toContain(
      'on hold (Artwork resolution too low)',
    );
    expect(await page.getByTestId('priority').textContent()).toBe('Hold priority');
    // Since when, as the server answers it (heldAt), as a machine-readable instant too.
    await expect.poll(() => page.getByTestId('held-since').textContent(), WAIT).toMatch(/^On hold since \S/);
    expect(Date.parse((await page.getByTestId('held-since').locator('time').getAttribute('datetime'))!)).not.toBeNaN();
    await keepScreenshot(page, 'ops-order-on-hold');

    await expect
      .poll(() => customerPage.locator('[data-eta-state]').getAttribute('data-eta-state'), WAIT)
      .toBe('paused');
    expect(await customerPage.textContent('main')).toContain('On hold: Artwork resolution too low');
    await keepScreenshot(customerPage, 'ops-order-customer-paused');

    // Released as rush: start production is open again.
    await action(page, 'SET_PRIORITY').getByRole('button', { name: 'Release as rush' }).click();
    await expect.poll(() => outcomeOf(page, 'SET_PRIORITY').textContent(), WAIT).toBe('Rush priority now.');
    await expect.poll(() => start.isEnabled(), WAIT).toBe(true);
    expect(await page.getByTestId('held-since').count()).toBe(0);
    await expect
      .poll(() => customerPage.locator('[data-eta-state]').getAttribute('data-eta-state'), WAIT)
      .toBe('running');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-order-released');
    await page.close();
    await context.close();
  });

  it('refuses an action on a version the page no longer matches: the conflict is told by the button, nothing changes, and the page shows the order as it is', async () => {
    const { order, context } = await paidOrder();
    await context.close();
    const page = await operatorContext.newPage();
    // No live update reaches this page: its sockets are refused, so it keeps showing an old version.
    await page.routeWebSocket(/\/graphql$/, (route) => void route.close({ code: 3000, reason: 'cut by the test' }));
    await page.goto(`${fx.url}/ops/orders/${order.id}`);
    await expect.poll(() => page.getByTestId('reference').textContent(), WAIT).toBe(order.reference);
    const shown = Number(await page.getByTestId('shown-version').textContent());
    await fx.gql(
      fx.operator,
      'mutation ($id: ID!, $message: String!) { postOrderMessage(id: $id, message: $message) { id } }',
      { id: order.id, message: 'Posted from elsewhere' },
    );

    await action(page, 'APPROVE').getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => outcomeOf(page, 'APPROVE').getAttribute('data-outcome'), WAIT).toBe('conflict');
    expect(await outcomeOf(page, 'APPROVE').textContent()).toContain('someone changed the order meanwhile');
    expect((await gqlOrder(order.id, 'orderStatus')).orderStatus).toBe('SUBMITTED');
    // What the server has now replaces the stale order, though the socket is still cut.
    await expect.poll(() => page.locator('.timeline').textContent(), WAIT).toContain('Posted from elsewhere');
    expect(Number(await page.getByTestId('shown-version').textContent())).toBeGreaterThan(shown);
    expect(await page.getByTestId('status').textContent()).toBe('Queued');

    await action(page, 'APPROVE').getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => outcomeOf(page, 'APPROVE').textContent(), WAIT).toBe('Approved. Now Printing.');
    expect((await gqlOrder(order.id, 'orderStatus')).orderStatus).toBe('APPROVED');
    await page.close();
  });

  it('two operators edit the notes: the second sees the conflict and what changed, keeps their text, and saves it on retry', async () => {
    const { order, context } = await paidOrder();
    await context.close();
    const secondOperator = newId();
    await fx.grantOperator(secondOperator);
    const otherContext = await fx.context(await fx.token(secondOperator));

    const first = await opsPage(order.id);
    const second = await opsPage(order.id, otherContext);
    const startVersion = Number(await second.getByTestId('shown-version').textContent());
    await first.getByTestId('notes').fill('Check the sleeve print before packing');
    await second.getByTestId('notes').fill('Customer asked for gift wrap');
    expect(await second.getByTestId('notes-base').textContent()).toContain(`Editing from version ${startVersion}`);

    await first.getByRole('button', { name: 'Save notes' }).click();
    await expect.poll(() => first.getByTestId('notes-outcome').textContent(), WAIT).toMatch(/^Notes saved/);
    expect((await gqlOrder(order.id, 'notes')).notes).toBe('Check the sleeve print before packing');

    // The second page gets the change live, but the operator's text is never overwritten.
    await expect.poll(() => second.getByTestId('shown-version').textContent(), WAIT).not.toBe(String(startVersion));
    expect(await second.getByTestId('notes').inputValue()).toBe('Customer asked for gift wrap');

    await second.getByRole('button', { name: 'Save notes' }).click();
    await expect.poll(() => second.getByTestId('notes-outcome').getAttribute('data-outcome'), WAIT).toBe('conflict');
    expect(await second.getByTestId('notes-outcome').textContent()).toMatch(/^Not saved: .*Your text is kept/);
    const conflict = second.getByTestId('notes-conflict');
    expect(await conflict.getByTestId('other-notes').textContent()).toBe('Check the sleeve print before packing');
    expect(await conflict.getByTestId('changed-fields').textContent()).toContain(
      'Notes: (none) → Check the sleeve print before packing',
    );
    expect(await conflict.getByTestId('new-entries').textContent()).toContain('Notes updated');
    expect(await second.getByTestId('notes').inputValue()).toBe('Customer asked for gift wrap');
    // Nothing of the second edit was written.
    expect((await gqlOrder(order.id, 'notes')).notes).toBe('Check the sleeve print before packing');
    expect(await seriousAxeViolations(second)).toEqual([]);
    await keepScreenshot(second, 'ops-order-notes-conflict');

    const now = (await gqlOrder(order.id, 'version')).version as number;
    await second.getByRole('button', { name: `Save my notes over version ${now}` }).click();
    await expect.poll(() => second.getByTestId('notes-outcome').textContent(), WAIT).toMatch(/^Notes saved/);
    expect(await second.getByTestId('notes-conflict').count()).toBe(0);
    expect((await gqlOrder(order.id, 'notes')).notes).toBe('Customer asked for gift wrap');
    // And the first page, not editing, shows the saved text live.
    await expect.poll(() => first.getByTestId('notes').inputValue(), WAIT).toBe('Customer asked for gift wrap');
    await first.close();
    await otherContext.close();
  });

  it('fulfils with tracking number, URL and carrier (shown on the timeline), and cancel of a paid order says a refund will be requested', async () => {
    const { order, context, page: customerPage } = await paidOrder();
    const page = await opsPage(order.id);
    await action(page, 'APPROVE').getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => outcomeOf(page, 'APPROVE').textContent(), WAIT).toBe('Approved. Now Printing.');
    await action(page, 'START_PRODUCTION').getByRole('button', { name: 'Start production' }).click();
    await expect
      .poll(() => outcomeOf(page, 'START_PRODUCTION').textContent(), WAIT)
      .toBe('Production started. Now Finishing.');

    const fulfil = action(page, 'FULFILL').getByRole('button', { name: 'Fulfil…' });
    await fulfil.click();
    const dialog = page.getByRole('dialog', { name: `Fulfil order ${order.reference}` });
    await dialog.getByLabel('Tracking number').fill('1Z999AA10123456784');
    await dialog.getByLabel('Tracking URL').fill('https://carrier.example/track/1Z999AA10123456784');
    await dialog.getByLabel('Carrier').fill('UPS');
    await keepScreenshot(page, 'ops-order-fulfil-dialog');
    await dialog.getByRole('button', { name: 'Fulfil order' }).click();
    await expect
      .poll(() => outcomeOf(page, 'FULFILL').textContent(), WAIT)
      .toBe('Fulfilled with tracking number 1Z999AA10123456784.');
    // Fulfil… is disabled now, so focus went to its outcome, where a screen reader reads the result.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent), WAIT)
      .toBe('Fulfilled with tracking number 1Z999AA10123456784.');
    const shipped = page.locator('.timeline li').filter({ hasText: 'shipped with UPS 1Z999AA10123456784' });
    expect(await shipped.count()).toBe(1);
    expect(await shipped.getByTestId('timeline-tracking').getByRole('link').getAttribute('href')).toBe(
      'https://carrier.example/track/1Z999AA10123456784',
    );
    await expect
      .poll(() => customerPage.locator('.timeline').textContent(), WAIT)
      .toContain('shipped with UPS 1Z999AA10123456784');
    // Fulfilled is final: cancel is refused, with the rules' reason.
    expect(await action(page, 'CANCEL').getByRole('button', { name: 'Cancel order…' }).isDisabled()).toBe(true);
    expect(await action(page, 'CANCEL').getByTestId('reason').textContent()).toContain('final');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-order-fulfilled');
    await page.close();
    await context.close();

    const paid = await paidOrder();
    const other = await opsPage(paid.order.id);
    const cancelButton = action(other, 'CANCEL').getByRole('button', { name: 'Cancel order…' });
    // Escape closes the dialog and gives focus back to the button that opened it.
    await cancelButton.focus();
    await other.keyboard.press('Enter');
    const cancelDialog = other.getByRole('dialog', { name: `Cancel order ${paid.order.reference}` });
    await expect.poll(() => cancelDialog.isVisible(), WAIT).toBe(true);
    await other.keyboard.press('Escape');
    await expect.poll(() => other.evaluate(() => document.activeElement?.textContent), WAIT).toBe('Cancel order…');
    expect(await cancelDialog.isVisible()).toBe(false);
    await cancelButton.click();
    expect(await cancelDialog.getByTestId('cancel-refund-note').textContent()).toBe(
      'This order is paid: canceling it requests a refund of the payment.',
    );
    // A reason is required: the form does not send without one.
    await cancelDialog.getByRole('button', { name: 'Cancel order' }).click();
    expect(await cancelDialog.isVisible()).toBe(true);
    expect(await outcomeOf(other, 'CANCEL').getAttribute('data-outcome')).toBe('idle');
    await cancelDialog.getByLabel('Reason').fill('Customer changed their mind');
    await keepScreenshot(other, 'ops-order-cancel-dialog');
    await cancelDialog.getByRole('button', { name: 'Cancel order' }).click();
    await expect.poll(() => outcomeOf(other, 'CANCEL').textContent(), WAIT).toBe('Canceled. A refund is requested.');
    expect(await other.getByTestId('status').textContent()).toBe('Canceled');
    expect(await other.getByTestId('refund-state').textContent()).toMatch(/Requested|Recorded/);
    await expect.poll(() => paid.page.getByTestId('status').textContent(), WAIT).toBe('Canceled');
    await other.close();
    await paid.context.close();
  });

  it("shows the payment facts and a dispute's flag with its evidence deadline, live", async () => {
    const { order, context } = await paidOrder();
    await context.close();
    const page = await opsPage(order.id);
    expect(await page.getByTestId('paid').textContent()).toMatch(/^\$54\.00 on /);
    expect(await page.locator('[data-flag]').count()).toBe(0);
    // Stripe reports a dispute of the (simulated) payment, signed with the secret our webhook checks.
    const dueBy = Math.floor(Date.UTC(2026, 11, 24, 23, 59, 59) / 1000);
    const dispute = disputeObject({
      paymentIntent: simulatedPaymentIntentId(order.id),
      amount: 5400,
      status: 'needs_response',
      dueBy,
    });
    const answer = await deliver(fx.url, stripeEvent('charge.dispute.created', dispute), {
      secret: fx.first.runtime.payments.webhookSecrets[0]!,
    });
    expect(answer.body).toMatchObject({ outcome: 'applied' });
    const flag = page.locator('[data-flag="disputed"]');
    await expect.poll(() => flag.count(), WAIT).toBe(1);
    const due = await page.evaluate(
      (iso) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
      '2026-12-24T23:59:59.000Z',
    );
    expect(await flag.textContent()).toBe(`Disputed (needs response): evidence due by ${due}.`);
    expect(await page.locator('.timeline li').last().textContent()).toContain('by stripe');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-order-disputed');
    await page.close();
  });

  it('posts a message on the timeline and replaces the public tracking link', async () => {
    const { order, context, page: customerPage } = await paidOrder();
    const page = await opsPage(order.id);
    await page
      .getByLabel('Message for the timeline (the customer sees it)')
      .fill('Your mockup is approved by our print team');
    await page.getByRole('button', { name: 'Post message' }).click();
    await expect
      .poll(() => page.getByTestId('message-outcome').textContent(), WAIT)
      .toBe('Message posted on the timeline.');
    await expect
      .poll(() => customerPage.locator('.timeline').textContent(), WAIT)
      .toContain('Your mockup is approved by our print team');

    await page.getByRole('button', { name: 'Issue tracking link' }).click();
    await expect.poll(() => page.getByTestId('tracking-outcome').textContent(), WAIT).toBe('Tracking link issued.');
    const firstLink = await page.getByTestId('tracking-url').textContent();
    expect(firstLink).toMatch(new RegExp(`^${fx.url}/track/`));
    await page.getByRole('button', { name: 'Revoke and replace' }).click();
    await page.getByRole('button', { name: 'Yes, revoke and replace' }).click();
    await expect
      .poll(() => page.getByTestId('tracking-outcome').textContent(), WAIT)
      .toBe('The old link no longer works; a new one replaces it.');
    const secondLink = await page.getByTestId('tracking-url').textContent();
    expect(secondLink).not.toBe(firstLink);
    const token = (link: string | null) => link!.split('/track/')[1];
    expect(
      (await fx.gql(undefined, 'query ($t: String!) { trackOrder(token: $t) { reference } }', { t: token(firstLink) }))
        .trackOrder,
    ).toBeNull();
    expect(
      (await fx.gql(undefined, 'query ($t: String!) { trackOrder(token: $t) { reference } }', { t: token(secondLink) }))
        .trackOrder.reference,
    ).toBe(order.reference);
    await page.close();
    await context.close();
  });

  it("lives in the operator console's frame, as the list does, with an unknown order not found there", async () => {
    const { order, context, page: customerPage } = await paidOrder();
    const page = await opsPage(order.id);
    expect(
      await page.getByRole('navigation', { name: 'Operator' }).getByRole('link', { name: 'All orders' }).count(),
    ).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(await page.locator('main').getAttribute('class')).toBe('ops-main');
    await expect.poll(() => page.title(), WAIT).toBe(`Order ${order.reference} · Operator console`);

    // This page's styles stay on it: a disabled button or a `.field` elsewhere is not restyled.
    const styles = (target: Page) =>
      target.evaluate(() => {
        const probe = document.createElement('div');
        probe.innerHTML = '<button type="button" disabled>Probe</button><p class="field">Probe</p>';
        document.querySelector('main')!.append(probe);
        const looks = {
          opacity: getComputedStyle(probe.querySelector('button')!).opacity,
          field: getComputedStyle(probe.querySelector('p')!).display,
        };
        probe.remove();
        return looks;
      });
    expect(await styles(customerPage)).toEqual({ opacity: '1', field: 'block' });
    // On this page they still apply: a Queued order cannot start production yet.
    const startProduction = action(page, 'START_PRODUCTION').getByRole('button', { name: 'Start production' });
    expect(await startProduction.isDisabled()).toBe(true);
    expect(await startProduction.evaluate((button) => getComputedStyle(button).opacity)).toBe('0.6');
    expect(
      await page
        .getByLabel('Notes for operators (customers never see them)')
        .evaluate((notes) => getComputedStyle(notes.parentElement!).display),
    ).toBe('flex');
    await page.close();
    await context.close();

    const missing = await operatorContext.newPage();
    await missing.goto(`${fx.url}/ops/orders/${newId()}`);
    await expect.poll(() => missing.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Order not found');
    expect(await missing.getByRole('navigation', { name: 'Operator' }).count()).toBe(1);
    expect(
      await missing.getByTestId('not-found').getByRole('link', { name: 'See all orders' }).getAttribute('href'),
    ).toBe('/ops/orders');
    expect(await missing.title()).toBe('Order not found · Operator console');
    expect(await seriousAxeViolations(missing)).toEqual([]);
    await keepScreenshot(missing, 'ops-order-not-found');
    await missing.close();
  });

  it('gives a customer the not-allowed page for /ops/orders/<id>, with no order data in any response, even for their own order', async () => {
    const customer = await fx.customer();
    const order = await fx.createOrder(customer.token, { notes: 'Operator-only note' });
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    const bodies: string[] = [];
    const reading: Promise<void>[] = [];
    page.on('response', (response) => {
      reading.push(
        response.text().then(
          (text) => void bodies.push(text),
          () => undefined,
        ),
      );
    });
    const frames: string[] = [];
    page.on('websocket', (socket) => socket.on('framereceived', (frame) => void frames.push(String(frame.payload))));
    await page.goto(`${fx.url}/ops/orders/${order.id}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe('Not allowed');
    expect(await page.getByTestId('not-allowed').textContent()).toContain('for operators only');
    await page.waitForLoadState('networkidle');
    await Promise.all(reading);
    expect(bodies.length).toBeGreaterThan(0);
    // It asked who the viewer is, and nothing else: no order's id, reference or notes came back.
    expect(bodies.some((body) => body.includes('"isOperator":false'))).toBe(true);
    for (const body of [...bodies, ...frames]) {
      expect(body).not.toContain(order.id);
      expect(body).not.toContain(order.reference);
      expect(body).not.toContain('Operator-only note');
    }
    expect(await page.textContent('body')).not.toContain(order.reference);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-order-not-allowed');
    await context.close();
  });
});

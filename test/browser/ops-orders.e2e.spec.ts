import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/order/index.ts';
import { browserSkipReason, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import { newId } from '../support/http.ts';
import { openPagesFixture, type PagesFixture } from '../support/pages.ts';
import { payOrder } from '../support/paid-order.ts';

const skip = browserSkipReason();
const design = {
  garmentId: 'classic-tee',
  designUrl: 'https://designs.example.com/owl.svg',
  sizes: [{ size: 'M', quantity: 1 }],
};

interface Seeded {
  readonly id: string;
  readonly rush: boolean;
  readonly paid: boolean;
}

describe.skipIf(skip)('the operator order list, /ops/orders', () => {
  let fx: PagesFixture;
  const seeded: Seeded[] = [];

  /** Orders straight through the command service (fast), some paid, some rush; then the read model caught up. */
  async function seed(count: number): Promise<Seeded[]> {
    const { commands } = fx.first.runtime;
    const made: Seeded[] = [];
    for (let i = 0; i < count; i++) {
      const rush = i % 5 === 0;
      const paid = i % 4 === 0;
      const customer: Actor = { type: 'customer', id: newId() };
      const created = await commands.createOrder(
        { ...design, priority: rush ? 'rush' : 'standard', notes: `seeded ${i}` },
        { actor: customer },
      );
      if (paid) await payOrder(commands, created.orderId, created.state.totalCents);
      made.push({ id: created.orderId, rush, paid });
    }
    seeded.push(...made);
    await waitForCount(seeded.length);
    return made;
  }

  async function totalCount(filter: Record<string, unknown> = {}): Promise<number> {
    return (
      await fx.gql(fx.operator, 'query ($filter: OrderFilter) { orders(filter: $filter, first: 1) { totalCount } }', {
        filter,
      })
    ).orders.totalCount as number;
  }

  async function waitForCount(expected: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await totalCount()) < expected) {
      if (Date.now() > deadline) throw new Error(`the read model never held ${expected} orders`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function eventCount(): Promise<number> {
    const { rows } = await fx.first.runtime.pool.query<{ n: string }>('select count(*)::text as n from es_events');
    return Number(rows[0]?.n ?? 0);
  }

  async function operatorPage(path = '/ops/orders'): Promise<Page> {
    const context = await fx.context(fx.operator);
    const page = await context.newPage();
    await page.goto(`${fx.url}${path}`);
    return page;
  }

  const listStatus = (page: Page) => page.getByTestId('list-status').textContent();
  const rowOf = (page: Page, id: string) => page.locator(`tr[data-order-id="${id}"]`).first();

  beforeAll(async () => {
    fx = await openPagesFixture();
    await seed(200);
  }, 240_000);
  afterAll(async () => {
    await fx?.close();
  });

  it('pages through 200 orders with their total, filters by status and priority, and keeps the filter across a reload', async () => {
    const page = await operatorPage();
    await expect.poll(() => listStatus(page), { timeout: 15_000 }).toBe('Orders 1–50 of 200');
    expect(await page.locator('tbody tr').count()).toBe(50);
    for (const expected of ['Orders 51–100 of 200', 'Orders 101–150 of 200', 'Orders 151–200 of 200']) {
      await page.getByRole('button', { name: 'Next page' }).click();
      await expect.poll(() => listStatus(page), { timeout: 10_000 }).toBe(expected);
    }
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    // Every seeded order was shown exactly once across the four pages? The last page holds the oldest.
    expect(await rowOf(page, seeded[0]!.id).count()).toBe(1);

    await page.getByRole('checkbox', { name: 'Submitted (queued)' }).check();
    await page.getByRole('checkbox', { name: 'Rush' }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const expected = seeded.filter((order) => order.rush && order.paid).length;
    await expect.poll(() => listStatus(page), { timeout: 10_000 }).toBe(`Orders 1–${expected} of ${expected} matching`);
    expect(new URL(page.url()).search).toBe('?status=SUBMITTED&priority=RUSH');
    // The keyboard user stays where they were: on the button they pressed.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Apply filters');

    await page.reload();
    await expect.poll(() => listStatus(page), { timeout: 15_000 }).toBe(`Orders 1–${expected} of ${expected} matching`);
    expect(await page.getByRole('checkbox', { name: 'Submitted (queued)' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Rush' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Standard' }).isChecked()).toBe(false);
    const statuses = await page.getByTestId('row-status').allTextContents();
    expect(statuses).toHaveLength(expected);
    expect(new Set(statuses)).toEqual(new Set(['Queued']));
    expect(new Set(await page.locator('tbody tr td:nth-child(5)').allTextContents())).toEqual(new Set(['Rush']));

    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-orders-filtered');
    await page.context().close();
  }, 120_000);

  it('shows a new order live at the top, marked, and changes a listed row in place without moving the page or losing input', async () => {
    const page = await operatorPage();
    await expect.poll(() => listStatus(page), { timeout: 15_000 }).toMatch(/^Orders 1–50 of \d+$/);
    await expect
      .poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 10_000 })
      .toBe('online');

    const customer = await fx.customer();
    const placed = await fx.createOrder(customer.token);
    await expect.poll(() => rowOf(page, placed.id).getAttribute('data-live'), { timeout: 10_000 }).toBe('new');
    expect(await page.locator('tbody tr').first().getAttribute('data-order-id')).toBe(placed.id);
    await expect
      .poll(() => page.getByTestId('live-announcement').textContent(), { timeout: 10_000 })
      .toMatch(/1 new order/);

    // A paid order further down, its row scrolled into the middle of the window; unsaved text in the search box.
    const listedPaid = (
      await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-order-id')))
    ).filter((id) => seeded.some((order) => order.id === id && order.paid))[3]!;
    await page.getByLabel('Search reference and notes').fill('typed, not applied');
    await rowOf(page, listedPaid).evaluate((row) => {
      row.scrollIntoView({ block: 'center' });
      (row as unknown as { marker: string }).marker = 'same element';
    });
    const scrollBefore = await page.evaluate(() => window.scrollY);
    expect(scrollBefore).toBeGreaterThan(200);
    expect(await rowOf(page, listedPaid).getByTestId('row-status').textContent()).toBe('Queued');

    await fx.gql(fx.operator, 'mutation ($id: ID!) { setOrderStatus(id: $id, status: APPROVED) { id } }', {
      id: listedPaid,
    });
    await expect
      .poll(() => rowOf(page, listedPaid).getByTestId('row-status').textContent(), { timeout: 10_000 })
      .toBe('Printing');
    expect(await rowOf(page, listedPaid).getAttribute('data-live')).toBe('updated');
    expect(await rowOf(page, listedPaid).evaluate((row) => (row as unknown as { marker?: string }).marker)).toBe(
      'same element',
    );
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    expect(await page.getByLabel('Search reference and notes').inputValue()).toBe('typed, not applied');
    await keepScreenshot(page, 'ops-orders-live');
    await page.context().close();
  }, 120_000);

  it("follows the list's whole filter live, as the server decides it: a row that left is marked, an order outside never shows", async () => {
    const mark = `live-${newId().slice(0, 8)}`;
    const customer = await fx.customer();
    const first = await fx.createOrder(customer.token, { notes: `first ${mark}` });
    const second = await fx.createOrder(customer.token, { notes: `second ${mark}` });
    const context = await fx.context(fx.operator);
    const page = await context.newPage();
    const sent: string[] = [];
    page.on('websocket', (socket) => socket.on('framesent', (frame) => sent.push(String(frame.payload))));
    await page.goto(`${fx.url}/ops/orders?status=DRAFT&q=${mark}`);
    await expect.poll(() => listStatus(page), { timeout: 15_000 }).toBe('Orders 1–2 of 2 matching');
    await expect
      .poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 10_000 })
      .toBe('online');
    // The feed is asked for the list's own filter, not a part of it the page would finish itself.
    const subscribed = sent
      .map((text) => JSON.parse(text) as { type: string; payload?: { variables?: { filter?: unknown } } })
      .find((message) => message.type === 'subscribe');
    expect(subscribed?.payload?.variables?.filter).toEqual({ orderStatuses: ['DRAFT'], search: mark });

    const outside = await fx.createOrder(customer.token, { notes: 'no mark here' });
    const inside = await fx.createOrder(customer.token, { notes: `third ${mark}` });
    await expect.poll(() => rowOf(page, inside.id).getAttribute('data-live'), { timeout: 10_000 }).toBe('new');
    expect(await rowOf(page, outside.id).count()).toBe(0);

    await fx.gql(fx.operator, 'mutation ($id: ID!) { updateOrderNotes(id: $id, notes: "mark removed") { id } }', {
      id: first.id,
    });
    await expect.poll(() => rowOf(page, first.id).getAttribute('data-left-filter'), { timeout: 10_000 }).toBe('true');
    expect(await rowOf(page, first.id).getByText('No longer matches the filter').count()).toBe(1);
    expect(await rowOf(page, second.id).getAttribute('data-left-filter')).toBeNull();
    await fx.gql(
      fx.operator,
      'mutation ($id: ID!, $notes: String!) { updateOrderNotes(id: $id, notes: $notes) { id } }',
      { id: first.id, notes: `back ${mark}` },
    );
    await expect.poll(() => rowOf(page, first.id).getAttribute('data-left-filter'), { timeout: 10_000 }).toBeNull();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it('previews a bulk change over 20 orders of mixed states without writing, then applies it with the same outcomes', async () => {
    const page = await operatorPage();
    await expect.poll(() => listStatus(page), { timeout: 15_000 }).toMatch(/^Orders 1–50 of \d+$/);
    const ids = (
      await page.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-order-id')!))
    ).slice(0, 20);
    // By keyboard: focus each row's checkbox and press Space.
    for (const id of ids) {
      await rowOf(page, id).getByRole('checkbox').focus();
      await page.keyboard.press('Space');
    }
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toMatch(/^20 orders selected/);

    await page.getByLabel('Move to').selectOption('APPROVED');
    await page.getByLabel("Message for each order's timeline (optional)").fill('Approved in bulk');
    const before = await eventCount();
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    const dryRows = page.getByTestId('dry-run-results').locator('tbody tr');
    await expect.poll(() => dryRows.count(), { timeout: 15_000 }).toBe(20);
    const outcomesOf = async (testId: string): Promise<Record<string, string>> => {
      const pairs = await page
        .getByTestId(testId)
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => [row.getAttribute('data-order-id') ?? '', row.getAttribute('data-outcome') ?? ''] as const),
        );
      return Object.fromEntries(pairs);
    };
    const dry = await outcomesOf('dry-run-results');
    expect(Object.keys(dry).sort()).toEqual([...ids].sort());
    const values = new Set(Object.values(dry));
    expect(values).toEqual(new Set(['ok', 'refused'])); // queued orders would move; unpaid drafts cannot
    expect(await eventCount()).toBe(before);
    expect(await page.getByTestId('bulk-status').textContent()).toMatch(
      /^Dry run for 20 orders: \d+ would change, \d+ would be refused, 0 conflicts\. Nothing was changed\.$/,
    );
    await expect
      .poll(() => page.getByTestId('dry-run-results').getByText('ILLEGAL_TRANSITION').count())
      .toBeGreaterThan(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-orders-dry-run');

    await page.getByRole('button', { name: 'Apply to 20 orders' }).click();
    await expect
      .poll(() => page.getByTestId('apply-results').locator('tbody tr').count(), { timeout: 20_000 })
      .toBe(20);
    expect(await outcomesOf('apply-results')).toEqual(dry);
    const changed = Object.values(dry).filter((outcome) => outcome === 'ok').length;
    expect(await eventCount()).toBeGreaterThanOrEqual(before + changed);
    // The changed rows show their new status; the refused ones stay selected to be looked at.
    for (const [id, outcome] of Object.entries(dry)) {
      if (outcome === 'ok')
        await expect
          .poll(() => rowOf(page, id).getByTestId('row-status').textContent(), { timeout: 10_000 })
          .toBe('Printing');
    }
    expect(await page.getByTestId('selection-count').textContent()).toMatch(
      new RegExp(`^${20 - changed} orders? selected`),
    );
    await page.context().close();
  }, 120_000);

  it('reports a conflict, not a blind move, for an order that changed after the console loaded it', async () => {
    const page = await operatorPage(`/ops/orders?status=SUBMITTED`);
    await expect.poll(() => listStatus(page), { timeout: 15_000 }).toMatch(/^Orders 1–\d+ of \d+ matching$/);
    const [first, second] = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.slice(0, 2).map((row) => row.getAttribute('data-order-id')!));
    await rowOf(page, first!).getByRole('checkbox').check();
    await rowOf(page, second!).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    await expect
      .poll(() => page.getByTestId('dry-run-results').locator('tbody tr[data-outcome="ok"]').count(), {
        timeout: 15_000,
      })
      .toBe(2);
    // Someone else changes the first meanwhile.
    await fx.gql(
      fx.operator,
      'mutation ($id: ID!) { postOrderMessage(id: $id, message: "Checked the artwork") { id } }',
      { id: first },
    );
    await page.getByRole('button', { name: 'Apply to 2 orders' }).click();
    await expect
      .poll(
        () => page.getByTestId('apply-results').locator(`tr[data-order-id="${first}"]`).getAttribute('data-outcome'),
        { timeout: 15_000 },
      )
      .toBe('conflict');
    expect(
      await page.getByTestId('apply-results').locator(`tr[data-order-id="${second}"]`).getAttribute('data-outcome'),
    ).toBe('ok');
    const status = (await fx.gql(fx.operator, 'query ($id: ID!) { order(id: $id) { orderStatus } }', { id: first }))
      .order.orderStatus;
    expect(status).toBe('SUBMITTED');
    await page.context().close();
  }, 120_000);

  it('selects every order matching the filter, across pages, with one button', async () => {
    const page = await operatorPage('/ops/orders?priority=STANDARD');
    const matching = await totalCount({ priorities: ['STANDARD'] });
    expect(matching).toBeGreaterThan(50);
    await expect.poll(() => listStatus(page), { timeout: 15_000 }).toBe(`Orders 1–50 of ${matching} matching`);
    await page.getByRole('button', { name: `Select all ${matching} matching the filter` }).click();
    await expect
      .poll(() => page.getByTestId('selection-count').textContent(), { timeout: 15_000 })
      .toMatch(new RegExp(`^${matching} orders selected`));
    // The second page's rows are selected too, and the selection survives going there.
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => listStatus(page), { timeout: 10_000 }).toMatch(/^Orders 51–/);
    expect(await page.locator('tbody input[type="checkbox"]:not(:checked)').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Select every order on this page' }).uncheck();
    await expect
      .poll(() => page.getByTestId('selection-count').textContent())
      .toMatch(new RegExp(`^${matching - (await page.locator('tbody tr').count())} orders selected`));
    await page.context().close();
  }, 60_000);

  it('refuses to select all of more than 1,000 matching orders (narrow the filter) and sends nothing; at 1,000 it selects them', async () => {
    // One customer's 1,001 drafts, straight through the command service, 20 at a time: the oldest
    // marked apart, so a filter on the mark leaves exactly 1,000.
    const { commands } = fx.first.runtime;
    const owner: Actor = { type: 'customer', id: newId() };
    const oldest = await commands.createOrder({ ...design, notes: 'bulk-limit odd one' }, { actor: owner });
    for (let made = 0; made < 1000; made += 20) {
      await Promise.all(
        Array.from({ length: 20 }, () =>
          commands.createOrder({ ...design, notes: 'bulk-limit batch' }, { actor: owner }),
        ),
      );
    }
    await expect.poll(() => totalCount({ userId: owner.id }), { timeout: 30_000 }).toBe(1001);

    const context = await fx.context(fx.operator);
    const page = await context.newPage();
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql')) asked.push(request.postData() ?? '');
    });
    await page.goto(`${fx.url}/ops/orders?customer=${owner.id}`);
    await expect.poll(() => listStatus(page), { timeout: 15_000 }).toBe('Orders 1–50 of 1001 matching');
    const selectAll = page.getByRole('button', { name: 'Select all 1001 matching the filter' });
    expect(await selectAll.isDisabled()).toBe(true);
    const reason = await page.getByTestId('narrow-the-filter').textContent();
    expect(reason).toBe('1001 orders match: narrow the filter to 1,000 or fewer to select them all at once.');
    expect(await selectAll.getAttribute('aria-describedby')).toBe(
      await page.getByTestId('narrow-the-filter').getAttribute('id'),
    );
    await selectAll.click({ force: true });
    expect(await page.getByTestId('selection-count').textContent()).toMatch(/^0 orders selected/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-orders-narrow-the-filter');

    // Narrowed to 1,000: selected, every one, 200 ids a request.
    await page.getByLabel('Search reference and notes').fill('bulk-limit batch');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => listStatus(page), { timeout: 15_000 }).toBe('Orders 1–50 of 1000 matching');
    await page.getByRole('button', { name: 'Select all 1000 matching the filter' }).click();
    await expect
      .poll(() => page.getByTestId('selection-count').textContent(), { timeout: 30_000 })
      .toMatch(/^1000 orders selected/);
    await page.getByRole('button', { name: 'Clear selection' }).click();

    // One more matches after the count was shown (the oldest, so not onto this page): the selection reads 1,001 and refuses.
    await fx.gql(
      fx.operator,
      'mutation ($id: ID!) { updateOrderNotes(id: $id, notes: "bulk-limit batch too") { id } }',
      { id: oldest.orderId },
    );
    await page.getByRole('button', { name: 'Select all 1000 matching the filter' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 })
      .toBe('The matching orders could not be selected: More than 1,000 orders match now: narrow the filter.');
    expect(await page.getByTestId('selection-count').textContent()).toMatch(/^0 orders selected/);

    const idReads = asked.filter((body) => body.includes('OpsOrderIds'));
    // Five reads for the 1,000, six for the 1,001 refused; none while the count was over; no change sent at all.
    expect(idReads).toHaveLength(11);
    expect(idReads.every((body) => body.includes('bulk-limit batch'))).toBe(true);
    expect(asked.filter((body) => body.includes('bulkSetOrderStatus'))).toEqual([]);
    await context.close();
  }, 180_000);

  it("opens the list at the console's address, and says not found for one it does not have", async () => {
    const page = await operatorPage('/ops');
    await expect.poll(() => page.getByRole('heading', { name: 'All orders' }).count(), { timeout: 15_000 }).toBe(1);
    await page.goto(`${fx.url}/ops/nothing-here`);
    await expect.poll(() => page.getByRole('heading', { name: 'Not found' }).count(), { timeout: 15_000 }).toBe(1);
    await page.context().close();
  });

  it('shows a customer a not-allowed page and sends no order data to their browser', async () => {
    const customer = await fx.customer();
    await fx.createOrder(customer.token);
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    const bodies: string[] = [];
    const graphqlRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql')) graphqlRequests.push(request.postData() ?? '');
    });
    page.on('response', (response) => {
      void response.text().then(
        (text) => bodies.push(text),
        () => undefined,
      );
    });
    await page.goto(`${fx.url}/ops/orders`);
    await expect.poll(() => page.getByRole('heading', { name: 'Not allowed' }).count(), { timeout: 15_000 }).toBe(1);
    await page.waitForLoadState('networkidle');
    expect(graphqlRequests).toHaveLength(1);
    expect(graphqlRequests[0]).toContain('viewer');
    expect(graphqlRequests[0]).not.toMatch(/orders|ordersChanged/);
    for (const body of bodies) {
      expect(body).not.toMatch(/"orders"|"reference"|PO-\d/);
    }
    expect(await page.locator('table').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-orders-not-allowed');
    // And the API refuses them anyone else's orders.
    await expect(
      fx.gql(customer.token, '{ orders(filter: { userId: "' + newId() + '" }) { totalCount } }'),
    ).rejects.toThrow(/FORBIDDEN/);
  }, 60_000);
});

import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrderCommands,
  createPostgresGarmentCatalog,
  createPostgresReferenceAllocator,
  type OrderCommands,
} from '../../src/commands/order/index.ts';
import { loadInstallationSecret } from '../../src/db/installationSecret.ts';
import type { Actor } from '../../src/domain/order/index.ts';
import { shopDay } from '../../src/projections/metrics/zone.ts';
import { browserSkipReason, keepScreenshot, seriousAxeViolations } from '../support/browser.ts';
import type { Json } from '../support/http.ts';
import { openPagesFixture, type PagesFixture } from '../support/pages.ts';
import { placePaidOrder } from '../support/paid-order.ts';

const skip = browserSkipReason();
const operator: Actor = { type: 'operator', id: '00000000-0000-4000-8000-0000000000ff' };
/** The seeded week: Monday 2 to Tuesday 10 March 2026, in the shop's calendar (UTC, the default). */
const PERIOD = '?from=2026-03-02&to=2026-03-10';
const at = (day: number, hm: string) => new Date(`2026-03-${String(day).padStart(2, '0')}T${hm}:00.000Z`);

const FIGURES = `query ($from: String!, $to: String!, $priority: Priority, $technique: Technique) {
  shopMetrics(from: $from, to: $to, priority: $priority, technique: $technique) {
    stages { day stage entered inProgress }
    leadTimes { byPriority { priority completed p50Minutes p90Minutes } }
    onTime { weekStart completed onTime rate }
    holds { started ended heldMs }
  }
}`;

/**
 * A week with known timings, run as real commands on a fixed clock (the events carry its times):
 *
 * P  rush, dtg 2        paid Mon 09:00, approved 12:00, started Tue 09:00, ready Tue 21:00  (36 h, on time)
 * Q  standard, screen 5 paid Mon 10:00, approved Tue 10:00, started Wed 10:00, ready Fri 10:00  (96 h, on time)
 * R  standard, dtg 1    paid Tue 08:00, held Tue 12:00 "Artwork unclear", released Wed 12:00, approved 13:00,
 *                       started Thu 09:00, ready Mon 9th 09:00  (145 h: late by an hour, the 24 h hold excluded)
 * S  standard, screen 3 paid Thu 10:00, still queued
 */
async function seedWeek(fx: PagesFixture): Promise<void> {
  const { runtime } = fx.first;
  let now = at(2, '00:00');
  const commands: OrderCommands = createOrderCommands({
    eventStore: runtime.eventStore,
    references: createPostgresReferenceAllocator(runtime.pool),
    garments: createPostgresGarmentCatalog(runtime.pool),
    idSecret: await loadInstallationSecret(runtime.pool),
    clock: { now: () => now },
  });
  const ids = new Map<string, string>();
  const place = (name: string, priority: string, technique: string, quantity: number) => async () => {
    const { orderId } = await placePaidOrder(commands, {
      garmentId: 'classic-tee',
      designUrl: 'https://designs.example.com/owl.svg',
      sizes: [{ size: 'M', quantity, technique }],
      priority,
    });
    ids.set(name, orderId);
  };
  const id = (name: string) => ids.get(name)!;
  const status = (name: string, to: string) => () =>
    commands.setOrderStatus(id(name), { status: to }, { actor: operator });
  const steps: [Date, () => Promise<unknown>][] = [
    [at(2, '09:00'), place('P', 'rush', 'dtg', 2)],
    [at(2, '10:00'), place('Q', 'standard', 'screen', 5)],
    [at(2, '12:00'), status('P', 'approved')],
    [at(3, '08:00'), place('R', 'standard', 'dtg', 1)],
    [at(3, '09:00'), status('P', 'in_production')],
    [at(3, '10:00'), status('Q', 'approved')],
    [
      at(3, '12:00'),
      () => commands.setPriority(id('R'), { priority: 'hold', reason: 'Artwork unclear' }, { actor: operator }),
    ],
    [at(3, '21:00'), status('P', 'fulfilled')],
    [at(4, '10:00'), status('Q', 'in_production')],
    [at(4, '12:00'), () => commands.setPriority(id('R'), { priority: 'standard' }, { actor: operator })],
    [at(4, '13:00'), status('R', 'approved')],
    [at(5, '09:00'), status('R', 'in_production')],
    [at(5, '10:00'), place('S', 'standard', 'screen', 3)],
    [at(6, '10:00'), status('Q', 'fulfilled')],
    [at(9, '09:00'), status('R', 'fulfilled')],
  ];
  for (const [when, step] of steps) {
    now = when;
    await step();
  }
}

describe.skipIf(skip)("the shop's figures, /ops/metrics", () => {
  let fx: PagesFixture;

  const figures = async (variables: Record<string, unknown> = {}): Promise<Json> =>
    (await fx.gql(fx.operator, FIGURES, { from: '2026-03-02', to: '2026-03-10', ...variables })).shopMetrics;

  beforeAll(async () => {
    fx = await openPagesFixture();
    await seedWeek(fx);
    // The projector folds the events into the metric tables: wait for the last one (R ready on the 9th).
    const deadline = Date.now() + 30_000;
    while ((await figures()).onTime.length < 2) {
      if (Date.now() > deadline) throw new Error('the metric tables never held the seeded week');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 120_000);
  afterAll(async () => {
    await fx?.close();
  });

  async function operatorPage(path: string): Promise<Page> {
    const context = await fx.context(fx.operator);
    const page = await context.newPage();
    await page.goto(`${fx.url}${path}`);
    return page;
  }

  /** The uPlot canvas of a chart, once drawn, and how many of its pixels are painted in `rgb`. */
  async function paintedPixels(page: Page, chart: string, rgb: readonly [number, number, number]): Promise<number> {
    await page.locator(`[data-chart="${chart}"][data-drawn="true"] canvas`).waitFor({ timeout: 15_000 });
    return page.evaluate(
      ([selector, [r, g, b]]) => {
        const canvas = document.querySelector<HTMLCanvasElement>(selector)!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < data.length; i += 4)
          if (
            Math.abs(data[i]! - r) < 8 &&
            Math.abs(data[i + 1]! - g) < 8 &&
            Math.abs(data[i + 2]! - b) < 8 &&
            data[i + 3]! > 200
          )
            n++;
        return n;
      },
      [`[data-chart="${chart}"] canvas`, rgb] as const,
    );
  }

  /** The hover legend's values of a chart with the cursor over the `index`-th of `count` days. */
  async function hoverValues(page: Page, chart: string, index: number, count: number): Promise<Record<string, string>> {
    const over = page.locator(`[data-chart="${chart}"] .u-over`);
    const box = (await over.boundingBox())!;
    await page.mouse.move(
      box.x + (box.width * index) / (count - 1) + (index === 0 ? 1 : index === count - 1 ? -1 : 0),
      box.y + box.height / 2,
    );
    return page.evaluate((selector) => {
      const values: Record<string, string> = {};
      for (const row of document.querySelectorAll(`${selector} .u-legend .u-series`))
        values[row.querySelector('.u-label')?.textContent ?? ''] = row.querySelector('.u-value')?.textContent ?? '';
      return values;
    }, `[data-chart="${chart}"]`);
  }

  const cells = (page: Page, figure: string) =>
    page.evaluate(
      (selector) =>
        [...document.querySelectorAll(`${selector} table:not(.u-legend) tbody tr`)].map((row) =>
          [...row.children].map((cell) => cell.textContent ?? ''),
        ),
      `[data-figure="${figure}"]`,
    );

  it('draws the seeded week: throughput, work in progress and on-time charts with the numbers GraphQL answers', async () => {
    const answer = await figures();
    // By hand first: orders entering Queued per day (P, Q Monday; R Tuesday; S Thursday) and Queued at each day's end.
    const queued = answer.stages.filter((row: { stage: string }) => row.stage === 'QUEUED');
    expect(queued.map((row: { entered: number }) => row.entered)).toEqual([2, 1, 0, 1, 0, 0, 0, 0, 0]);
    expect(queued.map((row: { inProgress: number }) => row.inProgress)).toEqual([1, 1, 0, 1, 1, 1, 1, 1, 1]);
    expect(answer.onTime).toEqual([
      { weekStart: '2026-03-02', completed: 2, onTime: 2, rate: 1 },
      { weekStart: '2026-03-09', completed: 1, onTime: 0, rate: 0 },
    ]);
    expect(answer.holds).toEqual({ started: 1, ended: 1, heldMs: 24 * 3_600_000 });

    const page = await operatorPage(`/ops/metrics${PERIOD}`);
    await expect
      .poll(() => page.getByTestId('metrics-status').textContent(), { timeout: 15_000 })
      .toBe('Figures from 2026-03-02 to 2026-03-10.');
    // The canvases hold the series' colours (Queued's blue, On time's green): drawn with data, not just axes.
    expect(await paintedPixels(page, 'throughput', [0x2b, 0x6c, 0xb0])).toBeGreaterThan(50);
    expect(await paintedPixels(page, 'wip', [0x2b, 0x6c, 0xb0])).toBeGreaterThan(50);
    expect(await paintedPixels(page, 'on-time', [0x2f, 0x85, 0x5a])).toBeGreaterThan(200);

    // The numbers on hover: Monday and Tuesday of the throughput chart.
    expect(await hoverValues(page, 'throughput', 0, 9)).toMatchObject({
      Day: '2026-03-02',
      Queued: '2',
      Printing: '1',
      Ready: '0',
    });
    expect(await hoverValues(page, 'throughput', 1, 9)).toMatchObject({
      Day: '2026-03-03',
      Queued: '1',
      Finishing: '1',
      Ready: '1',
    });

    // The same numbers for keyboard and screen-reader users: the tables beside the charts.
    const throughputRows = await cells(page, 'throughput');
    expect(throughputRows).toHaveLength(9);
    expect(throughputRows.map((row) => row[2])).toEqual(queued.map((row: { entered: number }) => String(row.entered)));
    expect((await cells(page, 'wip')).map((row) => row[2])).toEqual(
      queued.map((row: { inProgress: number }) => String(row.inProgress)),
    );
    expect(await cells(page, 'on-time')).toEqual([
      ['2026-03-02', '2', '2', '100%'],
      ['2026-03-09', '1', '0', '0%'],
    ]);
    expect(await page.getByTestId('on-time-summary').textContent()).toBe(
      '2 of 3 orders ready before their promise (67%); time on hold does not count against the promise.',
    );
    // Lead times P 36 h, Q 96 h, R 145 h: median 96 h, 90th percentile 145 h.
    expect(await cells(page, 'lead-times')).toEqual([
      ['Every order', '3', '4 d 0 h', '6 d 1 h'],
      ['Rush priority', '1', '36 h', '36 h'],
      ['Standard priority', '2', '4 d 0 h', '6 d 1 h'],
      ['Direct to garment', '2', '36 h', '6 d 1 h'],
      ['Screen print', '1', '4 d 0 h', '4 d 0 h'],
    ]);
    expect(await page.getByTestId('holds-summary').textContent()).toBe(
      '1 hold started; 1 of them ended, after 24 h on hold in all.',
    );
    expect(await cells(page, 'holds')).toEqual([['Artwork unclear', '1', '24 h']]);

    await page
      .locator('[data-figure] details')
      .first()
      .evaluate((details) => ((details as HTMLDetailsElement).open = true));
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, 'ops-metrics');
  });

  it('changes the figures with the filters, keeps them in the address, and says when a period is empty', async () => {
    const page = await operatorPage(`/ops/metrics${PERIOD}`);
    await page.locator('[data-chart="throughput"][data-drawn="true"]').waitFor({ timeout: 15_000 });
    await page.getByLabel('Technique').selectOption('SCREEN');
    await page.getByRole('button', { name: 'Show figures' }).click();
    await expect
      .poll(() => page.getByTestId('metrics-status').textContent(), { timeout: 15_000 })
      .toBe('Figures from 2026-03-02 to 2026-03-10, screen technique only.');
    expect(new URL(page.url()).search).toBe(`${PERIOD}&technique=SCREEN`);
    // Screen print: Q (Monday) and S (Thursday) entered Queued; only Q was ready.
    expect((await cells(page, 'throughput')).map((row) => row[2])).toEqual([
      '1',
      '0',
      '0',
      '1',
      '0',
      '0',
      '0',
      '0',
      '0',
    ]);
    expect(await cells(page, 'on-time')).toEqual([['2026-03-02', '1', '1', '100%']]);
    expect(await page.getByTestId('holds-empty').textContent()).toBe('No order was put on hold in this period.');
    const screen = await figures({ technique: 'SCREEN' });
    expect(screen.leadTimes.byPriority).toEqual([
      { priority: null, completed: 1, p50Minutes: 5760, p90Minutes: 5760 },
      { priority: 'STANDARD', completed: 1, p50Minutes: 5760, p90Minutes: 5760 },
    ]);

    // A reload keeps the filter; a period with nothing in it says so instead of drawing empty charts.
    await page.reload();
    expect(await page.getByLabel('Technique').inputValue()).toBe('SCREEN');
    await page.getByLabel('From', { exact: true }).fill('2025-01-01');
    await page.getByLabel('To (inclusive)').fill('2025-01-31');
    await page.getByRole('button', { name: 'Show figures' }).click();
    await expect
      .poll(() => page.getByTestId('throughput-empty').textContent(), { timeout: 15_000 })
      .toBe('No order entered a stage in this period.');
    expect(await page.getByTestId('on-time-empty').textContent()).toBe('No order became ready in this period.');
    expect(await page.locator('[data-chart]').count()).toBe(0);

    // A period the server refuses: its reason, and no figures left from before.
    await page.getByLabel('From', { exact: true }).fill('2024-01-01');
    await page.getByRole('button', { name: 'Show figures' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 })
      .toBe('The figures could not be loaded: Invalid metrics filter: to: must be at most 366 days after from');
    expect(await page.locator('[data-figure]').count()).toBe(0);
  });

  it('shows a customer the not-allowed page, and no figure reaches their browser', async () => {
    const customer = await fx.customer();
    const context = await fx.context(customer.token);
    const page = await context.newPage();
    const bodies: Promise<string>[] = [];
    const assets: string[] = [];
    page.on('response', (response: Response) => {
      if (response.url().endsWith('/graphql')) bodies.push(response.text());
      if (response.url().includes('/assets/')) assets.push(new URL(response.url()).pathname);
    });
    await page.goto(`${fx.url}/ops/metrics${PERIOD}`);
    await page.getByTestId('not-allowed').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-figure]').count()).toBe(0);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of await Promise.all(bodies)) expect(body).not.toMatch(/shopMetrics|stages|onTime/);
    // Nor is the charting chunk (uPlot) fetched for them: only an operator's figures page loads it.
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.filter((path) => path.startsWith('/assets/Chart-'))).toEqual([]);
    // Asked directly, the API refuses them too.
    await expect(fx.gql(customer.token, FIGURES, { from: '2026-03-02', to: '2026-03-10' })).rejects.toThrow(
      /FORBIDDEN/,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});

/** The shop and the browser 25 hours apart (UTC+14, UTC−11): at any instant their calendar days differ. */
const SHOP_ZONE = 'Pacific/Kiritimati';
const BROWSER_ZONE = 'Pacific/Pago_Pago';

describe.skipIf(skip)("/ops/metrics counts the shop's days, not the browser's", () => {
  let fx: PagesFixture;
  beforeAll(async () => {
    fx = await openPagesFixture({ env: { SHOP_TIME_ZONE: SHOP_ZONE } });
  }, 120_000);
  afterAll(async () => {
    await fx?.close();
  });

  /** The shop's today, read around `read` (midnight may pass during it): the days it may answer. */
  const todaysAround = async <T>(read: () => Promise<T>) => {
    const before = shopDay(Date.now(), SHOP_ZONE);
    const answer = await read();
    return { answer, days: [before, shopDay(Date.now(), SHOP_ZONE)] };
  };
  const daysBefore = (day: string, n: number) =>
    new Date(Date.parse(`${day}T12:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

  it("tells operators the shop's time zone and today over GraphQL, and no one else", async () => {
    const { answer, days } = await todaysAround(() => fx.gql(fx.operator, '{ shopCalendar { timeZone today } }'));
    expect(answer.shopCalendar.timeZone).toBe(SHOP_ZONE);
    expect(days).toContain(answer.shopCalendar.today);
    const customer = await fx.customer();
    await expect(fx.gql(customer.token, '{ shopCalendar { today } }')).rejects.toThrow(/FORBIDDEN/);
    await expect(fx.gql(undefined, '{ shopCalendar { today } }')).rejects.toThrow(/UNAUTHENTICATED/);
  });

  it("ends the preset periods on the shop's today and says which zone the days are in", async () => {
    const context = await fx.context(fx.operator, { timezoneId: BROWSER_ZONE });
    const page = await context.newPage();
    const { days } = await todaysAround(async () => {
      await page.goto(`${fx.url}/ops/metrics?days=7`);
      await page.getByRole('heading', { level: 1, name: 'Shop figures' }).waitFor();
      await expect
        .poll(() => page.getByTestId('metrics-status').textContent(), { timeout: 15_000 })
        .toMatch(/^Figures from /);
    });
    const browserToday = await page.evaluate(() => new Date().toLocaleDateString('en-CA'));
    // The browser's day is not the shop's: a period ending on it would be a day or two off.
    expect(days).not.toContain(browserToday);
    const status = await page.getByTestId('metrics-status').textContent();
    const today = days.find((day) => status === `Figures from ${daysBefore(day, 6)} to ${day}.`);
    expect(today, `${status} ends on the shop's today (${days.join(' or ')})`).toBeDefined();
    expect(await page.getByLabel('To (inclusive)').inputValue()).toBe(today);
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe(daysBefore(today!, 6));
    expect(await page.getByTestId('metrics-days').textContent()).toBe(`Days in ${SHOP_ZONE} (the shop's calendar)`);
    // Another preset from the form ends there too.
    await page.getByLabel('Last 30 days').check();
    await page.getByRole('button', { name: 'Show figures' }).click();
    await expect
      .poll(() => page.getByTestId('metrics-status').textContent(), { timeout: 15_000 })
      .toBe(`Figures from ${daysBefore(today!, 29)} to ${today}.`);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});

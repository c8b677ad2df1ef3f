import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_FIGURES_WAIT_MS, type StageGaugeFigures } from '../../../src/metrics.ts';
import { startApp, type RunningApp } from '../../support/http.ts';

const queued = (count: number): StageGaugeFigures[] => [{ stage: 'queued', held: false, count, atRisk: 1, overdue: 0 }];

describe('the shop gauges at scrape time', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.close());

  const scrape = async () => (await fetch(`${running.url}/metrics`)).text();

  it('reads the figures once for a burst of scrapes', async () => {
    let reads = 0;
    running.metrics.setStageFiguresSource(() => Promise.resolve(queued(++reads)));
    const [first, second] = await Promise.all([scrape(), scrape()]);
    expect(first).toContain('shop_work_in_progress_orders{stage="queued",on_hold="false"} 1');
    expect(second).toContain('shop_work_in_progress_orders{stage="queued",on_hold="false"} 1');
    expect(first).toContain('shop_at_risk_orders{stage="queued",on_hold="false"} 1');
    expect(reads).toBe(1);
  });

  it('never hangs a scrape on a slow read: it answers in time with the figures it had', async () => {
    running.metrics.setStageFiguresSource(() => Promise.resolve(queued(4)));
    expect(await scrape()).toContain('shop_work_in_progress_orders{stage="queued",on_hold="false"} 4');
    // A new source forgets the old figures; a hanging one leaves the scrape without them, on time.
    running.metrics.setStageFiguresSource(() => new Promise(() => undefined));
    const started = performance.now();
    const text = await scrape();
    expect(performance.now() - started).toBeLessThan(STAGE_FIGURES_WAIT_MS + 1500);
    expect(text).toContain('# TYPE shop_work_in_progress_orders gauge');
    expect(text).not.toContain('shop_work_in_progress_orders{');
  });
});

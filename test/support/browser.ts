/**
 * The browser tests' harness: Debian's Chromium driven by playwright-core (Playwright's own
 * browser download cannot work without internet). In CI a missing Chromium fails the run
 * (`.ci/run` installs it); elsewhere the suites skip and say how to get one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** The Chromium to drive: `CHROMIUM_PATH`, else the first of the usual places that exists. */
export function chromiumPath(): string | undefined {
  const given = process.env.CHROMIUM_PATH;
  if (given) return given;
  return CANDIDATES.find((path) => existsSync(path));
}

/** Why the browser suites skip here, or undefined when they run. Throws in CI: there they must run. */
export function browserSkipReason(): string | undefined {
  if (chromiumPath()) return undefined;
  const how = 'no Chromium found: `apt-get install chromium` (Debian) or set CHROMIUM_PATH';
  if (process.env.CI) throw new Error(`browser tests must run in CI, but ${how}`);
  return how;
}

/**
 * Launches headless Chromium with the flags this machine needs: no sandbox (root), and no
 * background networking, which a closed network refuses many connections at a time.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(browserSkipReason() ?? 'no Chromium');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core in the page and returns its serious and critical violations. axe is evaluated
 * through the DevTools protocol, which the page's Content-Security-Policy does not govern: a
 * script tag would be an inline script, which our pages' policy rightly refuses.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            context: unknown,
            options: unknown,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.map(String).join(' ')),
      }));
  });
}

/** Where screenshots are kept as test artifacts (ignored by git). */
export const ARTIFACTS_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');

/** Saves a full-page screenshot as a test artifact and returns its path. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../support/http.ts';

describe('the pages served by the API server', () => {
  let dir: string;
  let running: RunningApp;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'po-pages-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(
      join(dir, 'index.html'),
      '<!doctype html><title>pages</title><script type="module" src="/assets/app-abc123.js"></script>',
    );
    await writeFile(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    running = await startApp({ pagesDir: dir });
  });
  afterAll(async () => {
    await running?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers each page route with the app, never cached without revalidation', async () => {
    for (const path of [
      '/orders',
      '/orders/6f1c0c56-0000-4000-8000-000000000000',
      '/order-success?order=x',
      '/track/abc',
      '/signin',
      '/ops/orders',
      '/ops/board',
    ]) {
      const response = await fetch(`${running.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('/assets/app-abc123.js');
    }
  });

  it('serves the hashed assets cached for good', async () => {
    const response = await fetch(`${running.url}/assets/app-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toMatch(/javascript/);
  });

  it('keeps the JSON 404 for unknown paths and unknown assets, and leaves the API alone', async () => {
    for (const path of ['/nope', '/orders/a/b', '/assets/missing.js']) {
      const response = await fetch(`${running.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toContain('application/problem+json');
    }
    const root = await fetch(`${running.url}/`);
    expect(await root.json()).toMatchObject({ graphql: '/graphql' });
  });

  it('says the pages are not built, instead of a blank page, when index.html is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'po-pages-empty-'));
    const bare = await startApp({ pagesDir: empty });
    try {
      const response = await fetch(`${bare.url}/orders`);
      expect(response.status).toBe(503);
      expect((await response.json()).detail).toContain('npm run build:web');
    } finally {
      await bare.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});

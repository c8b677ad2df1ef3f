import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, newId } from '../../../support/http.ts';
import { openStack, type Stack } from '../../../support/stack.ts';

const SEEDED = [
  'canvas-tote',
  'classic-tee',
  'crewneck-sweatshirt',
  'heavyweight-tee',
  'long-sleeve-tee',
  'pullover-hoodie',
  'zip-hoodie',
];

describe('garment images from our own origin', () => {
  let fx: Stack;
  let url: string;
  let publicBaseUrl: string;
  beforeAll(async () => {
    fx = await openStack();
    url = fx.servers[0]!.url;
    publicBaseUrl = fx.servers[0]!.runtime.config.publicBaseUrl;
  });
  afterAll(() => fx.close());

  it('points every seeded garment at an SVG served here, with a cache header and an ETag', async () => {
    const { body } = await graphql(url, '{ garments { id imageUrl } }');
    const garments = body.data.garments as { id: string; imageUrl: string }[];
    expect(garments.map((g) => g.id).sort()).toEqual(SEEDED);
    for (const garment of garments) {
      expect(garment.imageUrl).toBe(`${publicBaseUrl}/garments/${garment.id}.svg`);
      expect(new URL(garment.imageUrl).origin).toBe(new URL(publicBaseUrl).origin);
      const image = await fetch(`${url}${new URL(garment.imageUrl).pathname}`);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(image.headers.get('cache-control')).toMatch(/max-age=\d+/);
      const svg = await image.text();
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).not.toMatch(/<script|href=|url\(http/i);
      const etag = image.headers.get('etag');
      expect(etag).toBeTruthy();
      expect(
        (await fetch(`${url}${new URL(garment.imageUrl).pathname}`, { headers: { 'if-none-match': etag! } })).status,
      ).toBe(304);
    }
    const missing = await fetch(`${url}/garments/no-such-garment.svg`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it("shows an order's garment picture from here too", async () => {
    const customer = await fx.token(newId());
    const { body } = await graphql(
      url,
      'mutation ($input: CreateProductionOrderInput!) { createProductionOrder(input: $input) { order { garment { imageUrl } } } }',
      {
        token: customer,
        variables: {
          input: {
            designUrl: 'https://cdn.example.com/d.png',
            garmentId: 'pullover-hoodie',
            sizes: [{ size: 'M', quantity: 1 }],
          },
        },
      },
    );
    expect(body.data.createProductionOrder.order.garment.imageUrl).toBe(
      `${publicBaseUrl}/garments/pullover-hoodie.svg`,
    );
  });

  it('moves only the rows still on the placeholder service, never a picture an operator imported', async () => {
    const { pool } = fx.db;
    await pool.query("update garments set image_url = 'https://cdn.shop.example/tee.png' where id = 'classic-tee'");
    await pool.query(
      "update garments set image_url = 'https://placehold.co/600x600/png?text=Canvas+Tote+Bag' where id = 'canvas-tote'",
    );
    await pool.query(
      await readFile(new URL('../../../../src/db/migrations/010_webapi_garment_images.sql', import.meta.url), 'utf8'),
    );
    const { rows } = await pool.query<{ id: string; image_url: string }>(
      "select id, image_url from garments where id in ('classic-tee', 'canvas-tote') order by id",
    );
    expect(rows).toEqual([
      { id: 'canvas-tote', image_url: '/garments/canvas-tote.svg' },
      { id: 'classic-tee', image_url: 'https://cdn.shop.example/tee.png' },
    ]);
  });
});

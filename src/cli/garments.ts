import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { withTransaction } from '../db/transaction.ts';
import { CliError, type CliContext } from './context.ts';

const garment = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be 1-64 lower-case letters, digits or dashes'),
    title: z.string().trim().min(1).max(200),
    /** Dollars, as the seed shows them… */
    price: z.number().positive().multipleOf(0.01).optional(),
    /** …or cents. */
    priceCents: z.number().int().positive().optional(),
    sizes: z
      .array(z.string().trim().min(1).max(20))
      .min(1)
      .max(30)
      .refine((sizes) => new Set(sizes).size === sizes.length, 'must not repeat a size'),
    /** An outside URL, or one of our own pictures (`/garments/<id>.svg`, src/http/routes/garments/). */
    imageUrl: z
      .union([z.url(), z.string().regex(/^\/garments\/[a-z0-9-]+\.svg$/, 'must be a URL or /garments/<id>.svg')])
      .nullable()
      .optional(),
  })
  .refine((g) => (g.price === undefined) !== (g.priceCents === undefined), {
    message: 'give either price (dollars) or priceCents',
    path: ['price'],
  });

const catalog = z
  .array(garment)
  .min(1, 'must list at least one garment')
  .refine((list) => new Set(list.map((g) => g.id)).size === list.length, 'must not list an id twice');

/**
 * `garments import <file.json>`: the whole file is checked first (every problem listed, nothing
 * written if any), then every garment is upserted by id in one transaction. Orders keep the
 * garment and price they were placed with; only new orders see the change.
 */
export async function garmentsCommand(
  context: CliContext,
  action: string | undefined,
  file: string | undefined,
): Promise<void> {
  if (action !== 'import' || file === undefined) throw new CliError('usage: garments import <file.json>', 2);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const result = catalog.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) =>
        `  - ${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') || '(file)'}: ${issue.message}`,
    );
    throw new CliError(`${file} is not a valid garment list; nothing was imported:\n${problems.join('\n')}`);
  }
  const pool = await context.pool();
  let inserted = 0;
  await withTransaction(pool, async (client) => {
    for (const g of result.data) {
      const priceCents = g.priceCents ?? Math.round((g.price ?? 0) * 100);
      const { rows } = await client.query<{ inserted: boolean }>(
        `insert into garments (id, title, price_cents, sizes, image_url) values ($1, $2, $3, $4, $5)
         on conflict (id) do update set title = excluded.title, price_cents = excluded.price_cents,
           sizes = excluded.sizes, image_url = excluded.image_url, updated_at = now()
         returning (xmax = 0) as inserted`,
        [g.id, g.title, priceCents, g.sizes, g.imageUrl ?? null],
      );
      if (rows[0]?.inserted) inserted += 1;
    }
  });
  context.io.out(
    `imported ${result.data.length} garment(s): ${inserted} new, ${result.data.length - inserted} updated`,
  );
}

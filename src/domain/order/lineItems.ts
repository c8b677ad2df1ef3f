import type { SizeRequest } from './commands.ts';
import type { GarmentSnapshot, OrderLineItem, Technique } from './events.ts';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../text.ts';
import { DEFAULT_TECHNIQUE, type FieldProblems, isTechnique, LIMITS } from './validation.ts';

/**
 * Checks the requested sizes against the garment and prices them from its snapshot. Adds every
 * problem to `problems`; returns the line items and total (meaningful only when none were added).
 */
export function priceLineItems(
  problems: FieldProblems,
  sizes: unknown,
  garment: GarmentSnapshot | undefined,
  lineItemIds: readonly string[],
): { lineItems: OrderLineItem[]; totalCents: number } {
  if (!Array.isArray(sizes) || sizes.length === 0) {
    problems.add('sizes', 'must list at least one size');
    return { lineItems: [], totalCents: 0 };
  }
  // Bounded before any item is looked at: 30,000 items are one problem, not 30,000.
  if (sizes.length > LIMITS.maxLineItems) {
    problems.add('sizes', `must list at most ${LIMITS.maxLineItems} line items`);
    return { lineItems: [], totalCents: 0 };
  }
  if (lineItemIds.length < sizes.length) {
    // A caller bug, not bad input: the handler must hand one id per requested size.
    throw new Error(`CreateOrder needs one line item id per size (${sizes.length} sizes, ${lineItemIds.length} ids)`);
  }
  const seen = new Set<string>();
  const lineItems: OrderLineItem[] = [];
  let totalCents = 0;
  (sizes as readonly Partial<SizeRequest>[]).forEach((entry, index) => {
    const path = `sizes[${index}]`;
    const { size, quantity } = entry;
    const technique: unknown = entry.technique ?? DEFAULT_TECHNIQUE;
    if (typeof size !== 'string' || size.trim() === '') problems.add(`${path}.size`, 'is required');
    else if (!isStorableText(size)) problems.add(`${path}.size`, UNSTORABLE_TEXT_MESSAGE);
    else if (garment && !garment.sizes.includes(size))
      problems.add(`${path}.size`, `must be one of ${garment.sizes.join(', ')} for ${garment.title}`);
    if (
      typeof quantity !== 'number' ||
      !Number.isInteger(quantity) ||
      quantity < LIMITS.minQuantity ||
      quantity > LIMITS.maxQuantity
    ) {
      problems.add(`${path}.quantity`, `must be a whole number from ${LIMITS.minQuantity} to ${LIMITS.maxQuantity}`);
    }
    if (!isTechnique(technique)) problems.add(`${path}.technique`, 'must be dtg, screen or embroidery');
    const key = `${String(size)}\u0000${String(technique)}`;
    if (seen.has(key))
      problems.add(path, `size ${String(size)} with technique ${String(technique)} is listed more than once`);
    seen.add(key);
    const id = lineItemIds[index];
    if (
      garment &&
      id !== undefined &&
      typeof size === 'string' &&
      typeof quantity === 'number' &&
      isTechnique(technique)
    ) {
      lineItems.push({
        id,
        size,
        quantity,
        technique: technique satisfies Technique,
        unitPriceCents: garment.priceCents,
      });
      totalCents += quantity * garment.priceCents;
    }
  });
  return { lineItems, totalCents };
}

import { randomUUID } from 'node:crypto';
import type { GarmentCatalog } from '../../commands/order/index.ts';
import { AppError, describeProblems, isAppError, type FieldProblem } from '../../domain/errors.ts';
import { decide, type Actor, type CreateOrder, type Order, type SizeRequest } from '../../domain/order/index.ts';
import { cleanText, DEFAULT_TECHNIQUE, LIMITS } from '../../domain/order/validation.ts';
import { isStorableText } from '../../domain/text.ts';
import { fieldProblemsOf, mergeProblems } from '../fieldProblems.ts';
import { createProductionOrderBody, type CreateProductionOrderBody } from './inputs.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The body of `POST /api/production`, or one BAD_USER_INPUT listing every problem: the schema's
 * (types, ranges, unknown fields) together with the domain's (garment in the catalog, each size
 * offered, duplicates), so a client fixes everything in one round. Nothing is written either way.
 */
export async function validateCreateBody(
  raw: unknown,
  garments: GarmentCatalog,
  actor: Actor,
): Promise<CreateProductionOrderBody> {
  const tooMany = tooManyLineItems(raw);
  if (tooMany) throw tooMany;
  const parsed = createProductionOrderBody.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = mergeProblems(await domainProblems(raw, garments, actor), fieldProblemsOf(parsed.error));
  throw new AppError('BAD_USER_INPUT', describeProblems('order', problems), { fields: problems });
}

/**
 * Too many line items is one problem, found before any item is looked at: validating 30,000
 * items one by one took seconds and listed 30,000 problems. REST runs it before fastify's own
 * validation of the body (a preValidation hook), GraphQL through `validateCreateBody`.
 */
export function tooManyLineItems(raw: unknown): AppError | undefined {
  if (!isObject(raw) || !Array.isArray(raw.sizes) || raw.sizes.length <= LIMITS.maxLineItems) return undefined;
  const fields = [
    { path: 'sizes', message: `must list at most ${LIMITS.maxLineItems} line items (got ${raw.sizes.length})` },
  ];
  return new AppError('BAD_USER_INPUT', describeProblems('order', fields), { fields });
}

/** The domain's own check of the raw input, run without writing (a dry decide on no state). */
async function domainProblems(raw: unknown, garments: GarmentCatalog, actor: Actor): Promise<FieldProblem[]> {
  if (!isObject(raw)) return [];
  // The domain reads loosely typed input, but each size entry must at least be an object to look into.
  const sizes = Array.isArray(raw.sizes)
    ? raw.sizes.map((entry: unknown) => (isObject(entry) ? entry : {}))
    : raw.sizes;
  const garmentId = raw.garmentId;
  const garment =
    typeof garmentId === 'string' &&
    garmentId.trim() !== '' &&
    garmentId.length <= LIMITS.shortText &&
    isStorableText(garmentId)
      ? await garments.find(garmentId)
      : undefined;
  try {
    decide(
      {
        ...raw,
        type: 'CreateOrder',
        orderId: randomUUID(),
        actor,
        now: new Date(),
        reference: 'PO-000000',
        garment,
        sizes,
        lineItemIds: Array.isArray(sizes) ? sizes.map(() => randomUUID()) : [],
      } as unknown as CreateOrder,
      null,
    );
    return [];
  } catch (error) {
    if (!isAppError(error) || error.code !== 'BAD_USER_INPUT') return [];
    // An entry that is not an object is the schema's problem (one line), not one per missing field.
    const notObjects = Array.isArray(raw.sizes)
      ? raw.sizes.flatMap((entry: unknown, i) => (isObject(entry) ? [] : [`sizes[${i}].`]))
      : [];
    return (error.details.fields ?? []).filter((p) => !notObjects.some((prefix) => p.path.startsWith(prefix)));
  }
}

/**
 * A repeated `Idempotency-Key` must carry the same order; a different one is refused rather than
 * silently answered with the first order (Stripe refuses a reused key with other parameters too).
 * `first` is the order as its creation left it.
 */
export function checkSameOrder(body: CreateProductionOrderBody, first: Order): void {
  const lines = (items: readonly SizeRequest[]) =>
    JSON.stringify(items.map((i) => [i.size.trim(), i.quantity, i.technique ?? DEFAULT_TECHNIQUE]));
  const same =
    first.garment.id === body.garmentId.trim() &&
    first.designUrl === body.designUrl &&
    first.priority === (body.priority ?? 'standard') &&
    first.notes === cleanText(body.notes) &&
    first.prompt === cleanText(body.prompt) &&
    (first.projectId ?? null)?.toLowerCase() === (body.projectId ?? null)?.toLowerCase() &&
    lines(first.lineItems) === lines(body.sizes);
  if (!same) {
    throw new AppError(
      'BAD_USER_INPUT',
      'This Idempotency-Key was already used for a different order; use a new key for a new order',
      {
        fields: [{ path: 'headers.idempotency-key', message: 'was already used with a different request body' }],
      },
    );
  }
}

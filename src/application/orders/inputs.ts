import { z } from 'zod';
import {
  LIMITS,
  ORDER_STATES,
  PRIORITIES,
  SHIPMENT_FIELDS,
  TECHNIQUES,
  type CommandBase,
  type CreateOrder,
  type Shipment,
  type SizeRequest,
} from '../../domain/order/index.ts';
import { isHttpUrl } from '../../domain/order/validation.ts';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../../domain/text.ts';

/**
 * The REST shapes of `/api/production`, one source for validation, types and the OpenAPI
 * document at `/docs`. Limits come from the domain so the two never disagree; the domain still
 * checks everything again (garment, sizes offered) when the command runs.
 */

/** Every string of the REST bodies and queries: text PostgreSQL can store (no NUL, no lone surrogate), else a 400 naming the field. */
export const storable = () => z.string().refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
const text = (max: number) => storable().max(max, `must be at most ${max} characters`);
const httpUrl = text(LIMITS.url).refine(isHttpUrl, 'must be an http(s) URL');

export const sizeRequest = z.strictObject({
  size: storable().trim().min(1, 'is required').max(LIMITS.shortText).describe('one of the sizes the garment offers'),
  quantity: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(LIMITS.minQuantity, `must be at least ${LIMITS.minQuantity}`)
    .max(LIMITS.maxQuantity, `must be at most ${LIMITS.maxQuantity}`),
  technique: z
    .enum(TECHNIQUES, { error: `must be one of ${TECHNIQUES.join(', ')}` })
    .optional()
    .describe('dtg (default), screen or embroidery'),
});

export const createProductionOrderBody = z
  .strictObject({
    designUrl: httpUrl.describe('the design image, an http(s) URL'),
    garmentId: storable().trim().min(1, 'is required').max(LIMITS.shortText).describe('a garment of the catalog'),
    sizes: z
      .array(sizeRequest)
      .min(1, 'must list at least one size')
      .max(LIMITS.maxLineItems, `must list at most ${LIMITS.maxLineItems} line items`),
    priority: z
      .enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` })
      .optional()
      .describe('standard when omitted'),
    notes: text(LIMITS.notes).nullable().optional(),
    prompt: text(LIMITS.prompt).nullable().optional().describe('the prompt the design came from'),
    projectId: z.uuid('must be a uuid').nullable().optional(),
  })
  .describe('A production order; prices come from the catalog, never from the client')
  // A body that succeeds as it stands against the seeded catalog: /docs's "Try it out" sends it.
  .meta({
    example: {
      designUrl: 'https://images.example.com/designs/fox.png',
      garmentId: 'classic-tee',
      sizes: [
        { size: 'M', quantity: 2 },
        { size: 'L', quantity: 3, technique: 'screen' },
      ],
      priority: 'standard',
      notes: 'Center the print, 10 in wide',
    },
  });
export type CreateProductionOrderBody = z.infer<typeof createProductionOrderBody>;

/**
 * The fields of the domain's `CreateOrder` a client sends: all of them but what the server fills
 * in (who and when, the order and line item ids, the reference, the garment's catalog snapshot),
 * `holdReason` (GraphQL's, passed beside the body as `PlaceOrderOptions`) and `metadata` (not
 * offered to clients).
 */
type ClientCreateOrderFields = Omit<
  CreateOrder,
  'type' | keyof CommandBase | 'reference' | 'garment' | 'lineItemIds' | 'holdReason' | 'metadata'
>;

type NotIn<A, B> = Exclude<keyof A, keyof B>;
type TypesRefused<Body, Command> = {
  [K in keyof Body & keyof Command]: Body[K] extends Command[K] ? never : K;
}[keyof Body & keyof Command];
type Mismatches<Body, Command> = [NotIn<Body, Command>, NotIn<Command, Body>, TypesRefused<Body, Command>];
/** `true` when `Body` has exactly the fields of `Command`, each of a type the command takes; else what is wrong. */
type SameFields<Body, Command> =
  Mismatches<Body, Command> extends [never, never, never]
    ? true
    : {
        notInCommand: NotIn<Body, Command>;
        missingFromBody: NotIn<Command, Body>;
        typeTheCommandRefuses: TypesRefused<Body, Command>;
      };
type Holds<Check extends true> = Check;

// Checked by `npm run typecheck`, gone at run time: a field added to `CreateOrder` (or to its
// `SizeRequest`) and not to the body, or the reverse, or a body field of a type the command does
// not take, fails here, naming the field.
type _CreateBodyIsCreateOrder = Holds<SameFields<CreateProductionOrderBody, ClientCreateOrderFields>>;
type _SizeRequestBodyIsSizeRequest = Holds<SameFields<z.infer<typeof sizeRequest>, SizeRequest>>;

export const createProductionOrderReply = z.object({
  checkoutUrl: z.url().describe('where the customer pays (Stripe Checkout, or the simulated page)'),
  orderId: z.uuid(),
  reference: z.string().describe('the human-readable order number, e.g. PO-000123'),
});

/** Seed values are accepted in either case (`Rush` or `rush`) and mean the same. */
const lowerEnum = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.toLowerCase() : value),
    z.enum(values, { error: `must be one of ${values.join(', ')}` }),
  );

/** The shipment fields (`SHIPMENT_FIELDS`: the domain's list and rules), each optional. */
function shipmentInput(): { [K in keyof Shipment]: z.ZodOptional<z.ZodString> } {
  const rules = { shortText: () => text(LIMITS.shortText), url: () => httpUrl };
  const fields: Partial<Record<keyof Shipment, z.ZodOptional<z.ZodString>>> = {};
  for (const [name, rule] of Object.entries(SHIPMENT_FIELDS)) fields[name as keyof Shipment] = rules[rule]().optional();
  return fields as { [K in keyof Shipment]: z.ZodOptional<z.ZodString> };
}

export const patchProductionOrderBody = z
  .strictObject({
    status: lowerEnum(ORDER_STATES as [string, ...string[]])
      .optional()
      .describe('the next lifecycle state (approved, in_production, fulfilled) or canceled'),
    priority: lowerEnum(PRIORITIES as [string, ...string[]]).optional(),
    notes: text(LIMITS.notes).optional().describe('replaces the notes; empty clears them'),
    message: text(LIMITS.message)
      .optional()
      .describe('timeline message for a status change; the reason when canceling'),
    reason: text(LIMITS.reason)
      .optional()
      .describe(`why the priority changes; a hold without one records "On hold (no reason given)"`),
    ...shipmentInput(),
  })
  .refine((body) => body.status !== undefined || body.priority !== undefined || body.notes !== undefined, {
    message: 'must change at least one of status, priority, notes',
    path: [],
  })
  // The spec's own body; it succeeds on any order that is not finished.
  .meta({ example: { priority: 'hold', notes: 'check the art' } });
export type PatchProductionOrderBody = z.infer<typeof patchProductionOrderBody>;

export const orderIdParams = z.object({ id: z.uuid('must be a uuid') });

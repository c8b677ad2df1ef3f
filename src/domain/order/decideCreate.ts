import { AppError } from '../errors.ts';
import type { CreateOrder } from './commands.ts';
import type { OrderCreated } from './events.ts';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../text.ts';
import { priceLineItems } from './lineItems.ts';
import type { OrderStreamState } from './state.ts';
import { checkMetadata, cleanText, FieldProblems, isPriority, LIMITS, REFERENCE_PATTERN } from './validation.ts';

/** A hold always carries a reason (rule 3); the seed's API lets a customer ask for hold without one. */
export const DEFAULT_CREATION_HOLD_REASON = 'Hold requested when the order was placed';

export function eventBase(command: {
  orderId: string;
  actor: OrderCreated['actor'];
  now: Date;
  idempotencyKey?: string;
}) {
  return {
    orderId: command.orderId,
    actor: command.actor,
    at: command.now.toISOString(),
    ...(command.idempotencyKey === undefined ? {} : { idempotencyKey: command.idempotencyKey }),
  };
}

/** Creating starts the stream: customers and operators place orders for themselves. */
export function decideCreate(command: CreateOrder, state: OrderStreamState): OrderCreated[] {
  if (state !== null) {
    if (command.idempotencyKey !== undefined && state.appliedIdempotencyKeys.has(command.idempotencyKey)) return [];
    throw new AppError('ILLEGAL_TRANSITION', `Order ${command.orderId} already exists`, { orderId: command.orderId });
  }
  const { actor, garment } = command;
  if (actor.type !== 'customer' && actor.type !== 'operator') {
    throw new AppError('FORBIDDEN', 'Only a signed-in customer or operator can place an order', { action: 'create' });
  }
  const problems = new FieldProblems();
  if (typeof command.reference !== 'string' || !REFERENCE_PATTERN.test(command.reference))
    problems.add('reference', 'must look like PO-000123');
  if (typeof command.garmentId !== 'string' || command.garmentId.trim() === '')
    problems.add('garmentId', 'is required');
  else if (!isStorableText(command.garmentId)) problems.add('garmentId', UNSTORABLE_TEXT_MESSAGE);
  else if (!garment || garment.id !== command.garmentId)
    problems.add('garmentId', `no garment ${command.garmentId} in the catalog`);
  problems.requiredUrl('designUrl', command.designUrl);
  const { lineItems, totalCents } = priceLineItems(problems, command.sizes, garment, command.lineItemIds);
  const priority = command.priority ?? 'standard';
  if (!isPriority(priority)) problems.add('priority', 'must be rush, standard or hold');
  problems.optionalText('holdReason', command.holdReason, LIMITS.reason);
  if (priority !== 'hold' && cleanText(command.holdReason) !== null)
    problems.add('holdReason', 'is only for priority hold');
  problems.optionalText('notes', command.notes, LIMITS.notes);
  problems.optionalText('prompt', command.prompt, LIMITS.prompt);
  problems.optionalUuid('projectId', command.projectId);
  checkMetadata(problems, 'metadata', command.metadata);
  if (!Number.isSafeInteger(totalCents)) problems.add('sizes', 'the total is too large');
  problems.throwIfAny('order');
  if (!garment || !isPriority(priority)) throw new Error('unreachable: garment and priority were checked above');

  return [
    {
      type: 'OrderCreated',
      ...eventBase(command),
      reference: command.reference,
      userId: actor.id,
      projectId: command.projectId ?? null,
      garment: {
        id: garment.id,
        title: garment.title,
        priceCents: garment.priceCents,
        sizes: [...garment.sizes],
        imageUrl: garment.imageUrl,
      },
      designUrl: command.designUrl,
      prompt: cleanText(command.prompt),
      notes: cleanText(command.notes),
      priority,
      holdReason: priority === 'hold' ? (cleanText(command.holdReason) ?? DEFAULT_CREATION_HOLD_REASON) : null,
      lineItems,
      totalCents,
      currency: 'usd',
      metadata: command.metadata ?? {},
    },
  ];
}

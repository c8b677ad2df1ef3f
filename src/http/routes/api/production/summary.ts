import { z } from 'zod';
import { ORDER_STATES, PRIORITY_LABELS, routeOf, STATUS_FLOW, TECHNIQUES } from '../../../../domain/order/index.ts';
import type { ProductionOrderView } from '../../../../projections/index.ts';

/**
 * `ProductionOrderSummary` as REST shows it: the seed's fields with the seed's string values
 * (`status: "Queued"`, `orderStatus: "submitted"`, `priority: "Rush"`), plus the contract's
 * additions (version, totals, hold reason, route, payment flags).
 */
const status = z.enum(STATUS_FLOW as [string, ...string[]]);
/** A garment of the catalog (and as kept on an order): the seed's dollars beside the cents. */
export const garment = z.object({
  id: z.string(),
  title: z.string(),
  price: z.number().describe('dollars, as in the seed'),
  priceCents: z.number().int(),
  sizes: z.array(z.string()),
  imageUrl: z.string().nullable(),
});

export const productionOrderSummary = z.object({
  id: z.uuid(),
  reference: z.string().nullable(),
  notes: z.string().nullable(),
  status: status.describe('the label shown: Spec Review, Queued, Printing, Finishing, Ready'),
  orderStatus: z.enum(ORDER_STATES as [string, ...string[]]),
  createdAt: z.string(),
  updatedAt: z.string(),
  prompt: z.string().nullable(),
  priority: z.enum(['Rush', 'Standard', 'Hold']),
  holdReason: z.string().nullable(),
  etaDays: z.number().int(),
  etaAt: z.string().nullable(),
  imageUrl: z.string().nullable().describe('the design image'),
  garment: garment.nullable(),
  metadata: z.record(z.string(), z.unknown()),
  lineItems: z.array(
    z.object({
      id: z.string(),
      size: z.string(),
      quantity: z.number().int(),
      technique: z.enum(TECHNIQUES as [string, ...string[]]),
      unitPriceCents: z.number().int(),
    }),
  ),
  events: z.array(
    z.object({
      id: z.string(),
      status,
      message: z.string().nullable(),
      actor: z.object({ type: z.string(), id: z.string() }),
      metadata: z.record(z.string(), z.unknown()),
      occurredAt: z.string(),
      position: z.string(),
    }),
  ),
  version: z.number().int().describe('the order stream version: send it back in If-Match'),
  position: z.string(),
  totalCents: z.number().int(),
  currency: z.string(),
  canceled: z.boolean(),
  route: z.array(
    z.object({
      id: z.string(),
      label: status,
      state: z.enum(['DONE', 'CURRENT', 'UPCOMING']),
      reachedAt: z.string().nullable(),
    }),
  ),
  payment: z.object({
    checkoutUrl: z.string().nullable(),
    paidCents: z.number().int().nullable(),
    paidAt: z.string().nullable(),
    mismatch: z.boolean().describe('a payment that did not equal the total was flagged for operators'),
    refundedCents: z.number().int(),
  }),
});
export type ProductionOrderSummary = z.infer<typeof productionOrderSummary>;

export const orderReply = z.object({ order: productionOrderSummary });

export function summaryOf(view: ProductionOrderView): ProductionOrderSummary {
  return {
    id: view.id,
    reference: view.reference,
    notes: view.notes,
    status: view.status,
    orderStatus: view.orderStatus,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
    prompt: view.prompt,
    priority: PRIORITY_LABELS[view.priority],
    holdReason: view.holdReason,
    etaDays: view.etaDays,
    etaAt: view.etaAt,
    imageUrl: view.imageUrl,
    garment: view.garment ? { ...view.garment, sizes: [...view.garment.sizes] } : null,
    metadata: { ...view.metadata },
    lineItems: view.lineItems.map(({ id, size, quantity, technique, unitPriceCents }) => ({
      id,
      size,
      quantity,
      technique,
      unitPriceCents,
    })),
    events: view.events.map(({ id, status: label, message, actor, metadata, occurredAt, position }) => ({
      id,
      status: label,
      message,
      actor: { ...actor },
      metadata: { ...metadata },
      occurredAt,
      position,
    })),
    version: view.version,
    position: view.position,
    totalCents: view.totalCents,
    currency: view.currency,
    canceled: view.canceled,
    route: routeOf(view.orderStatus, view.reachedAt).map(({ id, label, state, reachedAt }) => ({
      id,
      label,
      state,
      reachedAt,
    })),
    payment: {
      checkoutUrl: view.payment.checkoutUrl,
      paidCents: view.payment.paidCents,
      paidAt: view.payment.paidAt,
      mismatch: view.payment.mismatch,
      refundedCents: view.payment.refundedCents,
    },
  };
}

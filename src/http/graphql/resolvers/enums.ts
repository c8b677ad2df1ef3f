import type { ActorType, OrderState, Priority, Technique } from '../../../domain/order/events.ts';
import type { ProductionStatus } from '../../../domain/order/labels.ts';
import type { OrderAction } from '../../../domain/order/transitions.ts';
import type { PromiseStanding } from '../../../domain/order/promise.ts';

/**
 * GraphQL shows UPPER_CASE enum names; resolvers and commands use the domain's own values.
 * graphql-tools maps between them here, so no resolver ever converts by hand.
 */
export const enumResolvers = {
  ProductionOrderState: {
    DRAFT: 'draft',
    SUBMITTED: 'submitted',
    APPROVED: 'approved',
    IN_PRODUCTION: 'in_production',
    FULFILLED: 'fulfilled',
    CANCELED: 'canceled',
  } satisfies Record<string, OrderState>,
  ProductionStatus: {
    SPEC_REVIEW: 'Spec Review',
    QUEUED: 'Queued',
    PRINTING: 'Printing',
    FINISHING: 'Finishing',
    READY: 'Ready',
  } satisfies Record<string, ProductionStatus>,
  Priority: { RUSH: 'rush', STANDARD: 'standard', HOLD: 'hold' } satisfies Record<string, Priority>,
  Technique: { DTG: 'dtg', SCREEN: 'screen', EMBROIDERY: 'embroidery' } satisfies Record<string, Technique>,
  ActorType: { CUSTOMER: 'customer', OPERATOR: 'operator', STRIPE: 'stripe', SYSTEM: 'system' } satisfies Record<
    string,
    ActorType
  >,
  OrderAction: {
    APPROVE: 'approve',
    START_PRODUCTION: 'startProduction',
    FULFILL: 'fulfill',
    CANCEL: 'cancel',
    SET_PRIORITY: 'setPriority',
    UPDATE_NOTES: 'updateNotes',
    POST_MESSAGE: 'postMessage',
  } satisfies Record<string, OrderAction>,
  PromiseStanding: { ON_TRACK: 'on_track', AT_RISK: 'at_risk', OVERDUE: 'overdue' } satisfies Record<
    string,
    PromiseStanding
  >,
};

import type { GraphQLResolveInfo } from 'graphql';
import type { Viewer } from '../../../../auth/viewer.ts';
import type { OrderCommandResult } from '../../../../commands/order/index.ts';
import { AppError } from '../../../../domain/errors.ts';
import { findOrderByTrackingToken, findOrders, findOrderSummaries, orderSummaryView, type ProductionOrderView } from '../../../../projections/index.ts';
import { visibleOrder } from '../../../../application/orders/visibleOrder.ts';
import { requireOperator, requireViewer, type GraphQLContext } from '../../context.ts';
import type { GarmentRecord } from '../catalog.ts';
import { changeLoader } from './changeLoader.ts';
import type { OrderResolverDeps, TrackingLookupLimiter } from './deps.ts';
import { createChangeHub, listenForChanges } from './feed.ts';
import { publicTracking } from './publicTracking.ts';
import { afterPositionOf, isAfter, passThrough, positionOf, selectsField } from './subscriptions.ts';
import { actorOf } from './types.ts';
import { isViewable } from '../../../../application/orders/visibility.ts';

/** The default: lookups by token are not limited here (the integrator wires the edge's limiter in). */
export const noTrackingLookupLimit: TrackingLookupLimiter = () => undefined;

const notTracked = () => new AppError('NOT_FOUND', 'No order is tracked with this link; it may have been revoked');

/**
 * The customer pages' needs: the draft's checkout URL, the public tracking link (issue, revoke,
 * its anonymous query and subscription) and our own garment images as absolute URLs.
 * The anonymous fields answer `PublicOrderTracking` only, never `ProductionOrder`.
 */
export function trackingResolvers(deps: OrderResolverDeps) {
  const now = deps.clock ?? (() => new Date());
  const limit = deps.limitTrackingLookup ?? noTrackingLookupLimit;
  const { db, changeFeed } = deps.readModel;
  const access = { readModel: deps.readModel, commands: deps.commands };
  const answer = (viewer: Viewer, result: OrderCommandResult) => visibleOrder(access, viewer, result.orderId, result.position);
  const base = deps.publicBaseUrl.replace(/\/$/, '');

  // The same machinery as orderUpdated: one feed listener routed per order, one read per change.
  const hub = createChangeHub(changeFeed);
  const loadOrder = changeLoader({ loadMany: (ids) => findOrders(db, ids, { now: now() }) });
  const loadSummary = changeLoader({
    loadMany: (ids) => findOrderSummaries(db, ids, { now: now() }),
    fromChange: (change) => (change.summary ? orderSummaryView(change.summary, now()) : undefined),
  });

  const lookUp = async (token: string, context: GraphQLContext) => {
    await limit({ token, context });
    return findOrderByTrackingToken(db, token, { now: now() });
  };

  return {
    ProductionOrder: {
      // Owner only. Operators get null even on their own orders: a subscription's result is
      // shared by every operator (sharedExecution.ts), so nothing in it may depend on which one asks.
      checkoutUrl: (view: ProductionOrderView, _: unknown, context: GraphQLContext) =>
        view.orderStatus === 'draft' && context.viewer && !context.viewer.isOperator && context.viewer.id === view.userId ? view.payment.checkoutUrl : null,
      publicTrackingUrl: (view: ProductionOrderView, _: unknown, context: GraphQLContext) =>
        view.publicTrackingToken !== null && context.viewer && isViewable(context.viewer, view.userId) ? `${base}/track/${view.publicTrackingToken}` : null,
    },
    Garment: {
      // Our own images are stored as paths (`/garments/<id>.svg`, migration 010): absolute here,
      // so any client can load them wherever PUBLIC_BASE_URL puts the server.
      imageUrl: (garment: GarmentRecord) =>
        garment.imageUrl?.startsWith('/') && !garment.imageUrl.startsWith('//') ? `${base}${garment.imageUrl}` : garment.imageUrl,
    },
    Query: {
      trackOrder: async (_: unknown, args: { token: string }, context: GraphQLContext) => {
        const view = await lookUp(args.token, context);
        return view ? publicTracking(view) : null;
      },
    },
    Mutation: {
      issueTrackingLink: async (_: unknown, args: { id: string }, context: GraphQLContext) => {
        const viewer = requireViewer(context.viewer);
        return answer(viewer, await deps.commands.issueTrackingLink(args.id, { actor: actorOf(viewer) }));
      },
      // As the other operators' mutations: every customer is FORBIDDEN before any order is read,
      // so the answer is the same for their own order, someone else's and a missing one.
      revokeTrackingLink: async (_: unknown, args: { id: string }, context: GraphQLContext) => {
        const viewer = requireOperator(context.viewer);
        return answer(viewer, await deps.commands.revokeTrackingLink(args.id, { actor: actorOf(viewer) }));
      },
    },
    Subscription: {
      trackedOrderUpdated: {
        resolve: passThrough,
        subscribe: async (_: unknown, args: { token: string; afterPosition?: string | null }, context: GraphQLContext, info: GraphQLResolveInfo) => {
          const after = afterPositionOf(args.afterPosition);
          const found = await lookUp(args.token, context);
          if (!found) throw notTracked();
          // Listen first, then read again: nothing committed in between is missed, and a
          // revocation in between is seen now rather than at the next change.
          const refused = new AbortController();
          const changes = listenForChanges(hub.order(found.id), AbortSignal.any([context.signal, refused.signal]));
          const current = await findOrderByTrackingToken(db, args.token, { now: now() }).catch((error: unknown) => {
            refused.abort();
            throw error;
          });
          if (!current) {
            refused.abort();
            throw notTracked();
          }
          const loadChange = selectsField(info, 'events') ? loadOrder : loadSummary;
          return (async function* () {
            let last = after ?? positionOf(current);
            if (after && isAfter(positionOf(current), after)) {
              last = positionOf(current);
              yield publicTracking(current);
            }
            for await (const change of changes) {
              if (!isAfter(change.position, last)) continue;
              const view = await loadChange(change);
              if (!view) continue;
              // Checked before every delivery: a revoked link ends the subscription.
              if (view.publicTrackingToken !== args.token) return;
              if (!isAfter(positionOf(view), last)) continue;
              last = positionOf(view);
              yield publicTracking(view);
            }
          })();
        },
      },
    },
  };
}

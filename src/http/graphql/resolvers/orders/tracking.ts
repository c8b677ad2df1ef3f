import {
  createOrderApplication,
  isCustomerOwner,
  isViewable,
  type OrderApplication,
} from '../../../../application/orders/index.ts';
import { AppError } from '../../../../domain/errors.ts';
import {
  findOrderByTrackingToken,
  findOrders,
  findOrderSummaries,
  orderSummaryView,
} from '../../../../projections/index.ts';
import type { Resolvers } from '../../generated/resolvers.ts';
import { requireOperator, requireViewer, type GraphQLContext } from '../../context.ts';
import { changeLoader } from './changeLoader.ts';
import type { OrderResolverDeps, TrackingLookupLimiter } from './deps.ts';
import { createChangeHub, listenForChanges } from './feed.ts';
import { publicTracking } from './publicTracking.ts';
import { afterPositionOf, isAfter, passThrough, positionOf, selectsField } from './subscriptions.ts';

/** The default: lookups by token are not limited here (the integrator wires the edge's limiter in). */
export const noTrackingLookupLimit: TrackingLookupLimiter = () => undefined;

const notTracked = () => new AppError('NOT_FOUND', 'No order is tracked with this link; it may have been revoked');

/**
 * The customer pages' needs: the draft's checkout URL, the public tracking link (issue, revoke,
 * its anonymous query and subscription) and our own garment images as absolute URLs.
 * The anonymous fields answer `PublicOrderTracking` only, never `ProductionOrder`.
 */
export function trackingResolvers(
  deps: OrderResolverDeps,
  orders: OrderApplication = deps.orders ?? createOrderApplication(deps),
) {
  const now = deps.clock ?? (() => new Date());
  const limit = deps.limitTrackingLookup ?? noTrackingLookupLimit;
  const { db, changeFeed } = deps.readModel;
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
      checkoutUrl: (view, _, context) =>
        view.orderStatus === 'draft' && context.viewer && isCustomerOwner(context.viewer, view.userId)
          ? view.payment.checkoutUrl
          : null,
      publicTrackingUrl: (view, _, context) =>
        view.publicTrackingToken !== null && context.viewer && isViewable(context.viewer, view.userId)
          ? `${base}/track/${view.publicTrackingToken}`
          : null,
    },
    Garment: {
      // Our own images are stored as paths (`/garments/<id>.svg`, migration 010): absolute here,
      // so any client can load them wherever PUBLIC_BASE_URL puts the server.
      imageUrl: (garment) =>
        garment.imageUrl?.startsWith('/') && !garment.imageUrl.startsWith('//')
          ? `${base}${garment.imageUrl}`
          : garment.imageUrl,
    },
    Query: {
      trackOrder: async (_, args, context) => {
        const view = await lookUp(args.token, context);
        return view ? publicTracking(view) : null;
      },
    },
    Mutation: {
      issueTrackingLink: (_, args, context) => orders.issueTrackingLink(requireViewer(context.viewer), args.id),
      // As the other operators' mutations: every customer is FORBIDDEN before any order is read,
      // so the answer is the same for their own order, someone else's and a missing one.
      revokeTrackingLink: (_, args, context) => orders.revokeTrackingLink(requireOperator(context.viewer), args.id),
    },
    Subscription: {
      trackedOrderUpdated: {
        resolve: passThrough,
        subscribe: async (_, args, context, info) => {
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
  } satisfies Pick<Resolvers, 'ProductionOrder' | 'Garment' | 'Query' | 'Mutation' | 'Subscription'>;
}

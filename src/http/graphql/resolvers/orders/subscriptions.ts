import type { Viewer } from '../../../../auth/viewer.ts';
import { comparePositions, parsePosition, type GlobalPosition } from '../../../../eventstore/eventStore.ts';
import { AppError } from '../../../../domain/errors.ts';
import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import {
  findOrderEvents,
  findOrders,
  findOrderSummaries,
  orderSummaryView,
  type OrderSummaryView,
  type TimelineEntryView,
} from '../../../../projections/index.ts';
import { visibleOrder } from '../../../../application/orders/visibleOrder.ts';
import { requireOperator, requireViewer, type GraphQLContext } from '../../context.ts';
import type { OrderResolverDeps } from './deps.ts';
import { changeLoader } from './changeLoader.ts';
import { createChangeHub, listenForChangeBatches, listenForChanges, sharedLoader } from './feed.ts';
import type { OrderFilterInput } from './queries.ts';
import { changeSelection, checkedOrderFilter, matchesResolver } from './filter.ts';
import { isViewable } from '../../../../application/orders/visibility.ts';

const ORIGIN: GlobalPosition = { commit: 0n, prepare: 0n };
/** Parsed once per view: a view is shared by every subscriber it goes to (ten dashboards: ten compares each). */
const positions = new WeakMap<object, GlobalPosition>();
export const positionOf = (view: Pick<OrderSummaryView, 'position'>): GlobalPosition => {
  let position = positions.get(view);
  if (position === undefined) positions.set(view, (position = parsePosition(view.position) ?? ORIGIN));
  return position;
};
export const isAfter = (a: GlobalPosition, b: GlobalPosition | undefined) =>
  b === undefined || comparePositions(a, b) > 0;
export const passThrough = <T>(payload: T): T => payload;
/** A subscription's `afterPosition` argument, parsed; BAD_USER_INPUT when it is not a position. */
export function afterPositionOf(text: string | null | undefined): GlobalPosition | undefined {
  const after = text ? parsePosition(text) : undefined;
  if (text && !after) {
    throw new AppError(
      'BAD_USER_INPUT',
      'afterPosition must be an order position as the API gives it (`<commit>-<prepare>`)',
      {
        fields: [{ path: 'afterPosition', message: 'is not a position' }],
      },
    );
  }
  return after;
}

/** Orders a dashboard subscription remembers having sent (oldest forgotten first). */
const MAX_REMEMBERED = 10_000;

/**
 * Live updates from the read model's change feed (every process sharing the database sees every
 * change). Each subscription is authorised when it starts and again before every delivery: the
 * token must still be valid, and a viewer who lost the right to see the order gets NOT_FOUND.
 */
export function orderSubscriptionResolvers(deps: OrderResolverDeps) {
  const { db, changeFeed } = deps.readModel;
  const access = { readModel: deps.readModel, commands: deps.commands };
  const now = deps.clock ?? (() => new Date());
  const hub = createChangeHub(changeFeed);
  // One read per change notice for every subscription following it (see changeLoader); without
  // the timeline for the subscriptions that do not select it (most: it is most of a read's cost).
  const loadOrder = changeLoader({ loadMany: (ids) => findOrders(db, ids, { now: now() }) });
  const loadSummary = changeLoader({
    loadMany: (ids) => findOrderSummaries(db, ids, { now: now() }),
    fromChange: (change) => (change.summary ? orderSummaryView(change.summary, now()) : undefined),
  });
  const loaderFor = (info: GraphQLResolveInfo) => (selectsField(info, 'events') ? loadOrder : loadSummary);
  // Keyed by order and timeline version: one read per change, shared by all its subscribers.
  const loadEntries = sharedLoader((key) => {
    const [orderId = '', afterVersion = '0'] = key.split('|');
    return findOrderEvents(db, orderId, { afterVersion: Number(afterVersion) });
  });

  /**
   * Listens first, then reads the order (nothing committed in between is missed), which also
   * authorises: a refusal (someone else's order, a missing one) stops the listening at once, or
   * every refused attempt would leave a listener on the feed for good.
   */
  const followVisibleOrder = async (context: GraphQLContext, viewer: Viewer, id: string) => {
    const orderId = id.toLowerCase();
    const refused = new AbortController();
    const following = listenForChanges(hub.order(orderId), AbortSignal.any([context.signal, refused.signal]));
    try {
      return { orderId, changes: following, current: await visibleOrder(access, viewer, id) };
    } catch (error) {
      refused.abort();
      throw error;
    }
  };

  const stillViewable = async (context: GraphQLContext, ownerId: string, orderId: string) => {
    const viewer = await context.recheckViewer();
    if (!viewer || !isViewable(viewer, ownerId))
      throw new AppError('NOT_FOUND', `Order ${orderId} not found`, { orderId });
  };

  return {
    ProductionOrder: { matches: matchesResolver },
    Subscription: {
      orderUpdated: {
        resolve: passThrough,
        subscribe: async (
          _: unknown,
          args: { id: string; afterPosition?: string | null },
          context: GraphQLContext,
          info: GraphQLResolveInfo,
        ) => {
          const viewer = requireViewer(context.viewer);
          const after = afterPositionOf(args.afterPosition);
          const { orderId, changes, current } = await followVisibleOrder(context, viewer, args.id);
          const loadChange = loaderFor(info);
          return (async function* () {
            // With afterPosition: what the client missed (the order as it is now holds every change
            // since), then live. Without: live from the state the client could just have read.
            let last: GlobalPosition | undefined = after ?? positionOf(current);
            if (after && isAfter(positionOf(current), after)) {
              last = positionOf(current);
              yield current;
            }
            for await (const change of changes) {
              if (!isAfter(change.position, last)) continue;
              await stillViewable(context, current.userId, orderId);
              const view = await loadChange(change);
              if (!view || !isAfter(positionOf(view), last)) continue;
              last = positionOf(view);
              yield view;
            }
          })();
        },
      },
      orderEventAdded: {
        resolve: passThrough,
        subscribe: async (_: unknown, args: { id: string }, context: GraphQLContext) => {
          const viewer = requireViewer(context.viewer);
          const { orderId, changes, current } = await followVisibleOrder(context, viewer, args.id);
          return (async function* (): AsyncGenerator<TimelineEntryView> {
            let lastVersion = current.version;
            for await (const _change of changes) {
              await stillViewable(context, current.userId, orderId);
              for (const entry of await loadEntries(`${orderId}|${lastVersion}`)) {
                if (entry.streamVersion <= lastVersion) continue;
                lastVersion = entry.streamVersion;
                yield entry;
              }
            }
          })();
        },
      },
      ordersChanged: {
        resolve: passThrough,
        subscribe: (
          _: unknown,
          args: { filter?: OrderFilterInput | null; leaving?: boolean | null },
          context: GraphQLContext,
          info: GraphQLResolveInfo,
        ) => {
          requireOperator(context.viewer);
          const loadChange = loaderFor(info);
          const selected = changeSelection(checkedOrderFilter(args.filter), {
            leaving: args.leaving === true,
            remember: MAX_REMEMBERED,
          });
          const batches = listenForChangeBatches(hub.all, context.signal);
          return (async function* () {
            // What was sent per order, so a change read late (it already shows a later one) is not sent twice.
            const sent = new Map<string, GlobalPosition>();
            // A dashboard that fell behind gets each order once, as it is now (the feed coalesces
            // pending notices per order), and starts every load of the backlog together: the
            // change loader reads them in one statement, shared with the other dashboards.
            for await (const batch of batches) {
              const views = batch.map(loadChange);
              // A load that fails after this dashboard stopped (FORBIDDEN, closed) must not go unhandled.
              for (const view of views) void view.catch(() => undefined);
              for (const view of views) {
                const viewer = await context.recheckViewer();
                if (!viewer?.isOperator) throw new AppError('FORBIDDEN', 'Only operators can follow every order');
                const loaded = await view;
                if (!loaded || !isAfter(positionOf(loaded), sent.get(loaded.id)) || !selected(loaded)) continue;
                sent.delete(loaded.id);
                sent.set(loaded.id, positionOf(loaded));
                if (sent.size > MAX_REMEMBERED) sent.delete(sent.keys().next().value as string);
                yield loaded;
              }
            }
          })();
        },
      },
    },
  };
}

/** Whether the subscription's selection asks for `field` on its payload (in fragments too; @skip/@include aside). */
export function selectsField(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, field: string): boolean {
  const seen = new Set<string>();
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return selection.name.value === field;
        case Kind.INLINE_FRAGMENT:
          return visit(selection.selectionSet.selections);
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = info.fragments[name];
          if (!fragment || seen.has(name)) return false;
          seen.add(name);
          return visit(fragment.selectionSet.selections);
        }
      }
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet?.selections ?? []));
}

import type { OrderApplication, OrderApplicationDeps } from '../../../../application/orders/index.ts';
import type { ChangeFeed } from '../../../../projections/index.ts';
import type { GraphQLContext } from '../../context.ts';

/** Refuses (throws) a lookup by tracking token that is over its limit; resolves to let it through. */
export type TrackingLookupLimiter = (lookup: {
  readonly token: string;
  readonly context: GraphQLContext;
}) => void | Promise<void>;

/** What the order resolvers read and write through: the order application, and the change feed for subscriptions. */
export interface OrderResolverDeps extends OrderApplicationDeps {
  readonly readModel: OrderApplicationDeps['readModel'] & { readonly changeFeed: ChangeFeed };
  /** The order application made from these deps, shared with REST; made here when absent. */
  readonly orders?: OrderApplication;
  /** PUBLIC_BASE_URL (no trailing slash): public tracking links and our own garment images are made absolute with it. */
  readonly publicBaseUrl: string;
  /**
   * Called before every lookup by public tracking token (`trackOrder`, `trackedOrderUpdated`):
   * the one place a rate limit goes (it throws RATE_LIMITED to refuse). Default: no limit.
   */
  readonly limitTrackingLookup?: TrackingLookupLimiter;
}

import type { EventStore } from '../../../../eventstore/eventStore.ts';
import type { GarmentCatalog, OrderCommands } from '../../../../commands/order/index.ts';
import type { CheckoutService } from '../../../../payments/checkout.ts';
import type { ChangeFeed, OrderReader, Queryable } from '../../../../projections/index.ts';
import type { GraphQLContext } from '../../context.ts';

/** Refuses (throws) a lookup by tracking token that is over its limit; resolves to let it through. */
export type TrackingLookupLimiter = (lookup: { readonly token: string; readonly context: GraphQLContext }) => void | Promise<void>;

/** What the order resolvers read and write through. */
export interface OrderResolverDeps {
  readonly commands: OrderCommands;
  readonly readModel: { readonly db: Queryable; readonly changeFeed: ChangeFeed; readonly orders?: OrderReader };
  readonly checkout: CheckoutService;
  /** The catalog as the command service sees it (validation of new orders). */
  readonly garments: GarmentCatalog;
  /** For `order(asOf:)`: the order folded from its own events. */
  readonly eventStore: Pick<EventStore, 'readStream'>;
  readonly clock?: () => Date;
  /** Where an unexpected error is reported when it cannot fail the whole operation (one bulk item). */
  readonly logError?: (error: unknown, message: string) => void;
  /** PUBLIC_BASE_URL (no trailing slash): public tracking links and our own garment images are made absolute with it. */
  readonly publicBaseUrl: string;
  /**
   * Called before every lookup by public tracking token (`trackOrder`, `trackedOrderUpdated`):
   * the one place a rate limit goes (it throws RATE_LIMITED to refuse). Default: no limit.
   */
  readonly limitTrackingLookup?: TrackingLookupLimiter;
}

import { createOrderApplication, type OrderApplication } from '../../../../application/orders/index.ts';
import type { Resolvers } from '../../generated/resolvers.ts';
import { requireViewer } from '../../context.ts';
import type { OrderResolverDeps } from './deps.ts';

/** The production board (operators only: the application refuses anyone else). */
export function boardResolvers(
  deps: OrderResolverDeps,
  orders: OrderApplication = deps.orders ?? createOrderApplication(deps),
) {
  return {
    Query: {
      productionBoard: (_, args, context) =>
        orders.board(requireViewer(context.viewer), { cardsPerColumn: args.cardsPerColumn ?? undefined }),
    },
  } satisfies Pick<Resolvers, 'Query'>;
}

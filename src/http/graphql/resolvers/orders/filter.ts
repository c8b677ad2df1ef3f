import { AppError } from '../../../../domain/errors.ts';
import { orderFilterProblems, orderFilterTest, type OrderFilter } from '../../../../projections/orders/filter.ts';
import type { OrderSummaryView } from '../../../../projections/index.ts';
import { toOrderFilter, type OrderFilterInput } from './queries.ts';

/** The filter as `orders` takes it and checks it: BAD_USER_INPUT naming every problem, as the list's own. */
export function checkedOrderFilter(input: OrderFilterInput | null | undefined): OrderFilter {
  const filter = toOrderFilter(input);
  const problems = orderFilterProblems(filter);
  if (problems.length > 0)
    throw new AppError(
      'BAD_USER_INPUT',
      `Invalid order filter: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      { fields: problems },
    );
  return filter;
}

/** `ProductionOrder.matches(filter:)`: the list's rule, on the order as this answer shows it. */
export const matchesResolver = (view: OrderSummaryView, args: { filter?: OrderFilterInput | null }): boolean =>
  orderFilterTest(checkedOrderFilter(args.filter))(view);

/**
 * Which changed orders one `ordersChanged` subscription sends: those matching its filter and,
 * with `leaving`, the change that takes an order out of it. The subscription cannot know what
 * the client listed from `orders` before it started, so an order it has not heard of yet counts
 * as possibly listed; after its leaving change, an order is not sent again until it matches.
 * `remember` bounds the orders whose last answer is kept (oldest forgotten: then sent once more).
 */
export function changeSelection(
  filter: OrderFilter,
  options: { readonly leaving: boolean; readonly remember: number },
): (view: OrderSummaryView) => boolean {
  const test = orderFilterTest(filter);
  if (!options.leaving) return test;
  const matchedBefore = new Map<string, boolean>();
  return (view) => {
    const matches = test(view);
    const before = matchedBefore.get(view.id);
    matchedBefore.delete(view.id);
    matchedBefore.set(view.id, matches);
    if (matchedBefore.size > options.remember) matchedBefore.delete(matchedBefore.keys().next().value as string);
    return matches || before !== false;
  };
}

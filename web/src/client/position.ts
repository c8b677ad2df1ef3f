/**
 * An order's `position` as the API gives it: `<commit>-<prepare>`, two unsigned integers that
 * may exceed 2^53, compared as bigints. Positions of the same order only grow, so a page that
 * keeps the last one it showed can ignore anything at or before it.
 */
function parse(position: string): readonly [bigint, bigint] | undefined {
  const match = /^(\d+)-(\d+)$/.exec(position);
  if (!match?.[1] || !match[2]) return undefined;
  return [BigInt(match[1]), BigInt(match[2])];
}

/** True when `candidate` comes after `shown` (anything comes after nothing shown). */
export function isAfter(candidate: string, shown: string | undefined): boolean {
  if (shown === undefined) return true;
  const a = parse(candidate);
  const b = parse(shown);
  // An unreadable position is never taken over a readable one: a page must not go backwards.
  if (!a) return false;
  if (!b) return true;
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

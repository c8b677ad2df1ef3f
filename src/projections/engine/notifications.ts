import { formatPosition, parsePosition, type GlobalPosition } from '../../eventstore/eventStore.ts';

/** The channel the projector announces its commits on (LISTEN read_model_changes). */
export const CHANGES_CHANNEL = 'read_model_changes';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; ids are 36 ASCII characters. */
const MAX_PAYLOAD_BYTES = 7900;

/** One NOTIFY: part `part` of `parts` of the orders one projection commit changed. */
export interface ChangeNotice {
  readonly position: GlobalPosition;
  readonly part: number;
  readonly parts: number;
  readonly orderIds: readonly string[];
}

/** Splits one commit's changed order ids into payloads that each fit a NOTIFY. */
export function encodeChangeNotices(position: GlobalPosition, orderIds: readonly string[]): string[] {
  const head = formatPosition(position);
  // `{"p":"…","i":…,"n":…,"o":[…]}`: 60 bytes of frame leaves room for ids at 39 bytes each.
  const perPart = Math.max(1, Math.floor((MAX_PAYLOAD_BYTES - head.length - 60) / 39));
  const parts = Math.max(1, Math.ceil(orderIds.length / perPart));
  const payloads: string[] = [];
  for (let part = 0; part < parts; part += 1) {
    payloads.push(
      JSON.stringify({ p: head, i: part, n: parts, o: orderIds.slice(part * perPart, (part + 1) * perPart) }),
    );
  }
  return payloads;
}

/** Reads a payload back; anything malformed (another sender, a newer format) is undefined. */
export function decodeChangeNotice(payload: string): ChangeNotice | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { p, i, n, o } = value as Record<string, unknown>;
  const position = typeof p === 'string' ? parsePosition(p) : undefined;
  if (
    !position ||
    !Number.isSafeInteger(i) ||
    !Number.isSafeInteger(n) ||
    !Array.isArray(o) ||
    !o.every((id) => typeof id === 'string')
  )
    return undefined;
  return { position, part: i as number, parts: n as number, orderIds: o };
}

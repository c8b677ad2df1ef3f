import type { OpsOrderFieldsFragment } from './gql/graphql.ts';
import { formatMoney, priorityLabel } from './format.ts';

export type OpsOrder = OpsOrderFieldsFragment;

export interface FieldChange {
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

export interface OrderChanges {
  readonly fromVersion: number;
  readonly toVersion: number;
  /** The fields whose shown value differs, notes included. */
  readonly fields: readonly FieldChange[];
  /** Timeline entries the later order has and the earlier one did not. */
  readonly newEntries: readonly {
    readonly id: string;
    readonly label: string;
    readonly message: string | null;
    readonly actor: { readonly type: string; readonly id: string };
  }[];
  /** The later order's notes when they differ from the earlier one's, else undefined. */
  readonly otherNotes: string | undefined;
}

const none = '(none)';

/** What each compared field shows; the conflict panel names these. */
const FIELDS: readonly { readonly field: string; readonly show: (order: OpsOrder) => string }[] = [
  { field: 'Status', show: (order) => (order.canceled ? 'Canceled' : order.statusLabel) },
  { field: 'Priority', show: (order) => priorityLabel(order.priority) },
  { field: 'Hold reason', show: (order) => order.holdReason ?? none },
  { field: 'Notes', show: (order) => order.notes ?? none },
  { field: 'Public tracking link', show: (order) => order.publicTrackingUrl ?? none },
  { field: 'Paid', show: (order) => formatMoney(order.payment.paidCents, order.payment.currency) },
  { field: 'Refunded', show: (order) => formatMoney(order.payment.refundedCents, order.payment.currency) },
];

/**
 * What changed between the order an edit started from (`base`) and the order as it is now: the
 * fields that differ and the timeline entries that are new. An operator whose edit met a
 * VERSION_CONFLICT reads this before saving again over the newer version.
 */
export function changesSince(base: OpsOrder, now: OpsOrder): OrderChanges {
  const seen = new Set(base.events.map((entry) => entry.id));
  const fields = FIELDS.flatMap(({ field, show }) => {
    const before = show(base);
    const after = show(now);
    return before === after ? [] : [{ field, before, after }];
  });
  return {
    fromVersion: base.version,
    toVersion: now.version,
    fields,
    newEntries: now.events
      .filter((entry) => !seen.has(entry.id))
      .map((entry) => ({ id: entry.id, label: entry.statusLabel, message: entry.message ?? null, actor: entry.actor })),
    otherNotes: (base.notes ?? '') === (now.notes ?? '') ? undefined : (now.notes ?? ''),
  };
}

import { memo, useEffect, useRef } from 'react';
import { formatDateTime, formatMoney } from '../format.ts';
import type { OpsOrderRowFragment } from '../gql/graphql.ts';
import { Link } from '../router.tsx';
import { EtaCell } from './EtaCell.tsx';
import { PRIORITY_NAMES, STATE_LABELS } from './filter.ts';

export type Row = OpsOrderRowFragment;

/** How a row came to change live: shown as a fading highlight, `token` restarts it for each change. */
export interface LiveMark {
  readonly kind: 'new' | 'updated';
  readonly token: number;
}

function Flags({ flags }: { flags: Row['flags'] }) {
  const shown = [
    flags.paymentMismatch && 'Payment mismatch',
    flags.refundFailed && 'Refund failed',
    flags.refundExcess && 'Refund over payment',
    flags.refunded && 'Refunded',
    flags.disputed && `Dispute${flags.disputeStatus ? ` (${flags.disputeStatus.replace(/_/g, ' ')})` : ''}`,
  ].filter((flag): flag is string => typeof flag === 'string');
  if (shown.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="flags">
      {shown.map((flag) => (
        <li key={flag} className="flag">
          {flag}
        </li>
      ))}
    </ul>
  );
}

interface RowProps {
  readonly row: Row;
  readonly selected: boolean;
  readonly mark: LiveMark | undefined;
  /** The order changed and no longer matches the filter: kept in place until the list reloads. */
  readonly left: boolean;
  readonly onToggle: (row: Row) => void;
}

/** One order. Memoised: a live change re-renders its own row only, so focus, selection and scroll stay put. */
const OrderRow = memo(function OrderRow({ row, selected, mark, left, onToggle }: RowProps) {
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (!mark) return;
    // A fading highlight; the colour is the only thing that moves.
    ref.current?.animate?.([{ backgroundColor: '#ffe08a' }, { backgroundColor: 'transparent' }], {
      duration: 2500,
      easing: 'ease-out',
    });
  }, [mark]);
  const label = row.canceled ? 'Canceled' : row.statusLabel;
  return (
    <tr
      ref={ref}
      data-order-id={row.id}
      data-position={row.position}
      data-live={mark?.kind}
      data-left-filter={left || undefined}
      className={[selected ? 'row-selected' : '', left ? 'row-left' : ''].join(' ').trim() || undefined}
    >
      <td className="select-cell">
        <input
          type="checkbox"
          checked={selected}
          onChange={() => onToggle(row)}
          aria-label={`Select ${row.reference}`}
        />
      </td>
      <th scope="row">
        <Link href={`/ops/orders/${encodeURIComponent(row.id)}`}>{row.reference}</Link>
        {mark?.kind === 'new' ? <span className="tag tag-new">New</span> : null}
        {left ? <span className="tag tag-left">No longer matches the filter</span> : null}
      </th>
      <td>
        <Link
          href={`/ops/orders?customer=${encodeURIComponent(row.userId)}`}
          title={`Customer ${row.userId}: show only their orders`}
          className="mono"
        >
          {row.userId.slice(0, 8)}…
        </Link>
      </td>
      <td data-testid="row-status" title={STATE_LABELS[row.orderStatus]}>
        <span className={`badge ${row.canceled ? 'badge-canceled' : 'badge-status'}`}>{label}</span>
      </td>
      <td>
        <span className={`badge badge-priority-${row.priority.toLowerCase()}`}>{PRIORITY_NAMES[row.priority]}</span>
      </td>
      <td>
        <EtaCell row={row} />
      </td>
      <td>
        <time dateTime={row.createdAt}>{formatDateTime(row.createdAt)}</time>
      </td>
      <td className="num">{formatMoney(row.totalCents, row.currency)}</td>
      <td>
        <Flags flags={row.flags} />
      </td>
    </tr>
  );
});

export interface OrdersTableProps {
  readonly rows: readonly Row[];
  readonly caption: string;
  readonly isSelected: (id: string) => boolean;
  readonly marks: ReadonlyMap<string, LiveMark>;
  readonly left: ReadonlySet<string>;
  readonly onToggle: (row: Row) => void;
  readonly onTogglePage: (select: boolean) => void;
}

export function OrdersTable({ rows, caption, isSelected, marks, left, onToggle, onTogglePage }: OrdersTableProps) {
  const selectedOnPage = rows.filter((row) => isSelected(row.id)).length;
  const all = rows.length > 0 && selectedOnPage === rows.length;
  const headerBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerBox.current) headerBox.current.indeterminate = selectedOnPage > 0 && !all;
  }, [selectedOnPage, all]);
  return (
    <div className="table-scroll">
      <table className="ops-orders">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="select-cell">
              <input
                ref={headerBox}
                type="checkbox"
                checked={all}
                onChange={() => onTogglePage(!all)}
                aria-label="Select every order on this page"
                disabled={rows.length === 0}
              />
            </th>
            <th scope="col">Order</th>
            <th scope="col">Customer</th>
            <th scope="col">Status</th>
            <th scope="col">Priority</th>
            <th scope="col">ETA</th>
            <th scope="col">Created</th>
            <th scope="col" className="num">
              Total
            </th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <OrderRow
              key={row.id}
              row={row}
              selected={isSelected(row.id)}
              mark={marks.get(row.id)}
              left={left.has(row.id)}
              onToggle={onToggle}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

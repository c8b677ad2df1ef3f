import { useId, useState, type FormEvent } from 'react';
import { customerClient } from '../client/clients.ts';
import type { ProductionOrderState } from '../gql/graphql.ts';
import { Link } from '../router.tsx';
import { runBulk, type BulkItem, type BulkRequest, type BulkResult, type SendBulk } from './bulk.ts';
import { BulkSetOrderStatusMutation } from './documents.ts';
import { STATE_LABELS } from './filter.ts';

const send: SendBulk = async (input) =>
  (await customerClient.request(BulkSetOrderStatusMutation, { input })).bulkSetOrderStatus.results;

/** The states an operator can move orders to (the others are reached by payment, never by hand). */
const TARGETS: readonly ProductionOrderState[] = ['APPROVED', 'IN_PRODUCTION', 'FULFILLED', 'CANCELED'];

const OUTCOME_TEXT = {
  dry: { ok: 'Would change', conflict: 'Conflict', refused: 'Would be refused', unknown: 'Unknown' },
  applied: { ok: 'Done', conflict: 'Conflict: not changed', refused: 'Refused', unknown: 'Unknown' },
} as const;

const requestKey = (request: Omit<BulkRequest, 'dryRun'>) =>
  JSON.stringify([
    request.status,
    request.message.trim(),
    request.items.map((item) => [item.id, item.expectedVersion]),
  ]);

function summary(results: readonly BulkResult[], dryRun: boolean): string {
  const count = (outcome: BulkResult['outcome']) => results.filter((result) => result.outcome === outcome).length;
  const parts = [
    `${count('ok')} ${dryRun ? 'would change' : 'changed'}`,
    `${count('refused')} ${dryRun ? 'would be refused' : 'refused'}`,
    `${count('conflict')} conflict${count('conflict') === 1 ? '' : 's'}`,
    ...(count('unknown') ? [`${count('unknown')} unknown`] : []),
  ];
  return `${dryRun ? 'Dry run' : 'Applied'} for ${results.length} order${results.length === 1 ? '' : 's'}: ${parts.join(', ')}.${dryRun ? ' Nothing was changed.' : ''}`;
}

function Results({ results, dryRun }: { results: readonly BulkResult[]; dryRun: boolean }) {
  return (
    <table className="bulk-results" data-testid={dryRun ? 'dry-run-results' : 'apply-results'}>
      <caption className="visually-hidden">
        {dryRun ? 'What the change would do to each order' : 'What the change did to each order'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Outcome</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {results.map((result) => (
          <tr key={result.id} data-order-id={result.id} data-outcome={result.outcome}>
            <th scope="row">
              <Link href={`/ops/orders/${encodeURIComponent(result.id)}`}>{result.reference}</Link>
            </th>
            <td className={`outcome outcome-${result.outcome}`}>
              {OUTCOME_TEXT[dryRun ? 'dry' : 'applied'][result.outcome]}
            </td>
            <td>
              {result.outcome === 'ok' ? (
                result.order ? (
                  `${dryRun ? 'Currently' : 'Now'} ${result.order.canceled ? 'Canceled' : result.order.statusLabel}`
                ) : null
              ) : (
                <>
                  {result.code ? <code>{result.code}</code> : null}{' '}
                  {result.outcome === 'conflict'
                    ? 'The order changed since this console loaded it; check it and select it again.'
                    : result.message}
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface BulkPanelProps {
  /** The picked orders, in the order picked, each with the version the console showed. */
  readonly items: readonly BulkItem[];
  readonly matching: number | null;
  readonly selectingAll: boolean;
  readonly selectAllError: string | null;
  readonly maxSelection: number;
  readonly onSelectAllMatching: () => void;
  readonly onClear: () => void;
  /** The server's answer to an applied change: the page shows each order as answered. */
  readonly onApplied: (results: readonly BulkResult[]) => void;
}

/**
 * The bulk status change: target and message, a dry run that lists each order's outcome and
 * writes nothing, then apply, which asks again with the same expected versions (so an order that
 * changed meanwhile is a conflict, not moved blindly). Results show here, only from the answer.
 */
export function BulkPanel({
  items,
  matching,
  selectingAll,
  selectAllError,
  maxSelection,
  onSelectAllMatching,
  onClear,
  onApplied,
}: BulkPanelProps) {
  const ids = useId();
  const [status, setStatus] = useState<ProductionOrderState>('APPROVED');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState<'dry-run' | 'apply' | null>(null);
  const [progress, setProgress] = useState(0);
  const [preview, setPreview] = useState<{ key: string; results: readonly BulkResult[] } | null>(null);
  const [applied, setApplied] = useState<readonly BulkResult[] | null>(null);
  const request = { items, status, message };
  const key = requestKey(request);
  const previewCurrent = preview !== null && preview.key === key;

  const run = async (dryRun: boolean) => {
    setBusy(dryRun ? 'dry-run' : 'apply');
    setProgress(0);
    if (dryRun) setApplied(null);
    try {
      const results = await runBulk(send, { ...request, dryRun }, setProgress);
      if (dryRun) setPreview({ key, results });
      else {
        setPreview(null);
        setApplied(results);
        onApplied(results);
      }
    } finally {
      setBusy(null);
    }
  };
  const dryRun = (event: FormEvent) => {
    event.preventDefault();
    void run(true);
  };

  const over = matching !== null && matching > maxSelection;
  return (
    <section id="bulk" tabIndex={-1} className="card bulk" aria-labelledby={`${ids}-heading`}>
      <h2 id={`${ids}-heading`}>Change the status of several orders</h2>
      <p data-testid="selection-count">
        <strong>{items.length}</strong> order{items.length === 1 ? '' : 's'} selected
        {items.length ? ' (kept across pages)' : ''}.{' '}
        {items.length > 0 ? (
          <button type="button" onClick={onClear} disabled={busy !== null}>
            Clear selection
          </button>
        ) : null}{' '}
        {matching !== null && matching > 0 ? (
          // Over the limit it stays, disabled, with the reason: the operator sees why and what to do.
          <button
            type="button"
            onClick={onSelectAllMatching}
            disabled={over || selectingAll || busy !== null}
            aria-describedby={over ? `${ids}-too-many` : undefined}
          >
            {selectingAll ? 'Selecting…' : `Select all ${matching} matching the filter`}
          </button>
        ) : null}
      </p>
      {over ? (
        <p className="muted" id={`${ids}-too-many`} data-testid="narrow-the-filter">
          {matching} orders match: narrow the filter to {maxSelection.toLocaleString()} or fewer to select them all at
          once.
        </p>
      ) : null}
      {selectAllError ? (
        <p role="alert" className="error">
          {selectAllError}
        </p>
      ) : null}
      <form onSubmit={dryRun} className="bulk-form">
        <div>
          <label htmlFor={`${ids}-status`}>Move to</label>
          <select
            id={`${ids}-status`}
            value={status}
            onChange={(event) => setStatus(event.target.value as ProductionOrderState)}
          >
            {TARGETS.map((target) => (
              <option key={target} value={target}>
                {STATE_LABELS[target]}
              </option>
            ))}
          </select>
        </div>
        <div className="grow">
          <label htmlFor={`${ids}-message`}>Message for each order's timeline (optional)</label>
          <input
            id={`${ids}-message`}
            type="text"
            value={message}
            maxLength={2000}
            onChange={(event) => setMessage(event.target.value)}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={items.length === 0 || busy !== null}>
            {busy === 'dry-run' ? `Checking… ${progress}/${items.length}` : 'Preview (dry run)'}
          </button>
          <button
            type="button"
            className="button-primary"
            disabled={!previewCurrent || busy !== null}
            onClick={() => void run(false)}
            aria-describedby={`${ids}-apply-why`}
          >
            {busy === 'apply'
              ? `Applying… ${progress}/${items.length}`
              : `Apply to ${items.length} order${items.length === 1 ? '' : 's'}`}
          </button>
        </div>
      </form>
      <p id={`${ids}-apply-why`} className="muted">
        {items.length === 0
          ? 'Select orders in the table (or all matching the filter) to change them.'
          : previewCurrent
            ? 'Apply sends the same change with the versions shown in the preview; an order that changed since is reported as a conflict.'
            : preview
              ? 'The selection, target or message changed since the preview: preview again before applying.'
              : 'Preview first: it shows what would happen to each order and changes nothing.'}
      </p>
      <div role="status" aria-live="polite" data-testid="bulk-status">
        {busy
          ? busy === 'dry-run'
            ? 'Checking what would happen…'
            : 'Applying the change…'
          : applied
            ? summary(applied, false)
            : previewCurrent
              ? summary(preview.results, true)
              : ''}
      </div>
      {busy === null && applied ? <Results results={applied} dryRun={false} /> : null}
      {busy === null && !applied && previewCurrent ? <Results results={preview.results} dryRun /> : null}
    </section>
  );
}

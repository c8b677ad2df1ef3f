import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { customerClient } from '../client/clients.ts';
import { ApiError } from '../client/errors.ts';
import { isAfter } from '../client/position.ts';
import type { Connection } from '../client/resumableFeed.ts';
import { ConnectionBanner } from '../components/ConnectionBanner.tsx';
import { OpsLayout } from '../components/OpsLayout.tsx';
import { MAX_BULK_SELECTION, type BulkItem, type BulkResult } from '../ops/bulk.ts';
import { BulkPanel } from '../ops/BulkPanel.tsx';
import { OpsOrderIdsQuery, OpsOrdersQuery } from '../ops/documents.ts';
import { apiFilter, isFiltered, listFilterSearch, parseListFilter, type ListFilter } from '../ops/filter.ts';
import { FilterForm } from '../ops/FilterForm.tsx';
import { followOrders } from '../ops/liveOrders.ts';
import { OrdersTable, type LiveMark, type Row } from '../ops/OrdersTable.tsx';
import type { OpsOrderIdsQuery as OpsOrderIdsResult } from '../gql/graphql.ts';
import { useLocation } from '../router.tsx';

/** Rows per page: the API's default page; 10,000 orders are never loaded at once. */
export const OPS_PAGE_SIZE = 50;
/** Ids per request when selecting every order matching the filter (the API's largest page). */
const ID_PAGE_SIZE = 200;
/** Live changes are announced at most this often, as one summary: a busy shop must not chatter. */
const ANNOUNCE_EVERY_MS = 4000;

/** `/ops/orders`: every order, for operators (checked before anything is loaded). */
export function OpsOrdersPage() {
  return (
    <OpsLayout title="All orders">
      <OrdersConsole />
    </OpsLayout>
  );
}

interface PageState {
  readonly rows: readonly Row[];
  readonly totalCount: number | null;
  readonly hasNext: boolean;
  readonly endCursor: string | null;
  /** The `after` of each page up to the one shown (null: the first). */
  readonly starts: readonly (string | null)[];
  readonly loading: boolean;
  readonly error: ApiError | null;
}

const FIRST_PAGE: PageState = {
  rows: [],
  totalCount: null,
  hasNext: false,
  endCursor: null,
  starts: [null],
  loading: true,
  error: null,
};

const asApiError = (caught: unknown) =>
  caught instanceof ApiError ? caught : new ApiError('The request failed.', 'NETWORK', true);

/** The filter goes into the address (shareable, reloadable) without moving focus from the form. */
function showFilter(filter: ListFilter): void {
  const url = `/ops/orders${listFilterSearch(filter)}`;
  if (url === location.pathname + location.search) return;
  history.pushState(null, '', url);
  // The router listens to popstate; a pushState alone is not announced to it.
  dispatchEvent(new PopStateEvent('popstate'));
}

function OrdersConsole() {
  const { search } = useLocation();
  const searchText = search.toString();
  const filter = useMemo(() => parseListFilter(new URLSearchParams(searchText)), [searchText]);

  const [page, setPage] = useState<PageState>(FIRST_PAGE);
  const pageRef = useRef(page);
  pageRef.current = page;
  const [marks, setMarks] = useState<ReadonlyMap<string, LiveMark>>(new Map());
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const [pendingNew, setPendingNew] = useState<ReadonlySet<string>>(new Set());
  const [selection, setSelection] = useState<ReadonlyMap<string, BulkItem>>(new Map());
  const [selectingAll, setSelectingAll] = useState(false);
  const [selectAllError, setSelectAllError] = useState<string | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [liveError, setLiveError] = useState<ApiError | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const pendingAnnouncement = useRef({ changed: 0, added: 0 });
  const markToken = useRef(0);

  const load = useCallback(
    async (starts: readonly (string | null)[], options: { keepMarks?: boolean } = {}) => {
      const after = starts.at(-1) ?? null;
      setPage((shown) => ({ ...shown, starts, loading: true }));
      try {
        const answer = await customerClient.request(OpsOrdersQuery, {
          filter: apiFilter(filter),
          first: OPS_PAGE_SIZE,
          after,
        });
        // A newer load (another page, another filter) may have started meanwhile: it wins.
        if (pageRef.current.starts !== starts) return;
        setPage({
          rows: answer.orders.edges.map((edge) => edge.node),
          totalCount: answer.orders.totalCount,
          hasNext: answer.orders.pageInfo.hasNextPage,
          endCursor: answer.orders.pageInfo.endCursor,
          starts,
          loading: false,
          error: null,
        });
        if (!options.keepMarks) setMarks(new Map());
        setLeft(new Set());
        if (starts.length === 1) setPendingNew(new Set());
      } catch (caught) {
        if (pageRef.current.starts !== starts) return;
        setPage((shown) => ({ ...shown, loading: false, error: asApiError(caught) }));
      }
    },
    [filter],
  );

  // A new filter: its first page, from the top. The selection stays (it names orders, not a view).
  useEffect(() => {
    setPendingNew(new Set());
    const starts = [null];
    pageRef.current = { ...FIRST_PAGE, starts };
    setPage(pageRef.current);
    void load(starts);
  }, [load]);

  const mark = useCallback((id: string, kind: LiveMark['kind']) => {
    markToken.current += 1;
    const token = markToken.current;
    setMarks((shown) => new Map(shown).set(id, { kind: shown.get(id)?.kind === 'new' ? 'new' : kind, token }));
  }, []);

  // Live: each change folds into its row in place; a new order matching the filter appears at
  // the top of the first page, or is counted in a notice on the others. Whether an order matches
  // is the server's answer (`matches`, with the feed's changes); a bulk answer does not say, so
  // its rows change in place and the feed's copy of the same change then tells.
  const onOrder = useCallback(
    (order: Row, matches?: boolean) => {
      const shown = pageRef.current;
      const index = shown.rows.findIndex((row) => row.id === order.id);
      if (index >= 0) {
        const current = shown.rows[index]!;
        if (isAfter(current.position, order.position)) return;
        if (matches !== undefined) {
          setLeft((before) => {
            if (matches === !before.has(order.id)) return before;
            const next = new Set(before);
            if (matches) next.delete(order.id);
            else next.add(order.id);
            return next;
          });
        }
        if (order.position === current.position) return;
        const rows = shown.rows.slice();
        rows[index] = order;
        pageRef.current = { ...shown, rows };
        setPage(pageRef.current);
        mark(order.id, 'updated');
        pendingAnnouncement.current.changed += 1;
        return;
      }
      if (matches !== true) return;
      const onFirstPage = shown.starts.length === 1;
      const newest = onFirstPage ? shown.rows[0]?.createdAt : undefined;
      const oldestShown = shown.rows.at(-1)?.createdAt;
      if (onFirstPage) {
        // It belongs on this page when it sorts before the page's last row (or the page is the whole list).
        if (oldestShown !== undefined && shown.hasNext && order.createdAt < oldestShown) return;
        const rows = shown.rows.slice();
        const at = rows.findIndex(
          (row) => row.createdAt < order.createdAt || (row.createdAt === order.createdAt && row.id < order.id),
        );
        rows.splice(at < 0 ? rows.length : at, 0, order);
        pageRef.current = { ...shown, rows, totalCount: shown.totalCount === null ? null : shown.totalCount + 1 };
        setPage(pageRef.current);
        mark(order.id, newest === undefined || order.createdAt > newest ? 'new' : 'updated');
        pendingAnnouncement.current.added += 1;
      } else {
        setPendingNew((before) => (before.has(order.id) ? before : new Set(before).add(order.id)));
        pendingAnnouncement.current.added += 1;
      }
    },
    [mark],
  );

  const followKey = JSON.stringify(apiFilter(filter));
  const onOrderRef = useRef(onOrder);
  onOrderRef.current = onOrder;
  const reloadRef = useRef(() => undefined as unknown);
  reloadRef.current = () => load(pageRef.current.starts, { keepMarks: true });
  useEffect(() => {
    const stop = followOrders(customerClient, JSON.parse(followKey) as ReturnType<typeof apiFilter>, {
      order: (order, matches) => onOrderRef.current(order, matches),
      connection: (state, error) => {
        setConnection(state);
        setLiveError(error);
      },
      resumed: () => void reloadRef.current(),
    });
    return stop;
  }, [followKey]);

  // One calm summary of what changed, at most every few seconds.
  useEffect(() => {
    const timer = setInterval(() => {
      const { changed, added } = pendingAnnouncement.current;
      if (changed === 0 && added === 0) return;
      pendingAnnouncement.current = { changed: 0, added: 0 };
      const parts = [
        added ? `${added} new order${added === 1 ? '' : 's'}` : '',
        changed ? `${changed} order${changed === 1 ? '' : 's'} updated` : '',
      ].filter(Boolean);
      setAnnouncement(`${parts.join(', ')}.`);
    }, ANNOUNCE_EVERY_MS);
    return () => clearInterval(timer);
  }, []);

  const toggle = useCallback((row: Row) => {
    setSelection((before) => {
      const next = new Map(before);
      if (next.has(row.id)) next.delete(row.id);
      else next.set(row.id, { id: row.id, reference: row.reference, expectedVersion: row.version });
      return next;
    });
  }, []);
  const togglePage = useCallback((select: boolean) => {
    setSelection((before) => {
      const next = new Map(before);
      for (const row of pageRef.current.rows) {
        if (!select) next.delete(row.id);
        else if (!next.has(row.id))
          next.set(row.id, { id: row.id, reference: row.reference, expectedVersion: row.version });
      }
      return next;
    });
  }, []);
  const isSelected = useCallback((id: string) => selection.has(id), [selection]);

  const selectAllMatching = async () => {
    const counted = pageRef.current.totalCount;
    if (counted !== null && counted > MAX_BULK_SELECTION) {
      setSelectAllError(
        `${counted} orders match: narrow the filter to ${MAX_BULK_SELECTION.toLocaleString()} or fewer first. Nothing was selected.`,
      );
      return;
    }
    setSelectingAll(true);
    setSelectAllError(null);
    try {
      const picked = new Map<string, BulkItem>();
      let after: string | null = null;
      // Bounded: at most MAX_BULK_SELECTION / ID_PAGE_SIZE requests (+1 to notice more).
      for (let round = 0; round <= MAX_BULK_SELECTION / ID_PAGE_SIZE; round++) {
        const answer: OpsOrderIdsResult = await customerClient.request(OpsOrderIdsQuery, {
          filter: apiFilter(filter),
          first: ID_PAGE_SIZE,
          after,
        });
        for (const { node } of answer.orders.edges)
          picked.set(node.id, { id: node.id, reference: node.reference, expectedVersion: node.version });
        // The count was read with the page: more may match by now. Nothing is selected then.
        if (picked.size > MAX_BULK_SELECTION)
          throw new ApiError(
            `More than ${MAX_BULK_SELECTION.toLocaleString()} orders match now: narrow the filter.`,
            'TOO_MANY',
            false,
          );
        if (!answer.orders.pageInfo.hasNextPage) break;
        after = answer.orders.pageInfo.endCursor;
      }
      setSelection(picked);
    } catch (caught) {
      setSelectAllError(`The matching orders could not be selected: ${asApiError(caught).message}`);
    } finally {
      setSelectingAll(false);
    }
  };

  const onApplied = useCallback((results: readonly BulkResult[]) => {
    // Each order as the server answered it; the changed ones leave the selection, the others stay to be looked at.
    for (const result of results) if (result.order) onOrderRef.current(result.order);
    setSelection((before) => {
      const next = new Map(before);
      for (const result of results) if (result.outcome === 'ok') next.delete(result.id);
      return next;
    });
  }, []);

  const items = useMemo(() => [...selection.values()], [selection]);
  const pageNumber = page.starts.length;
  const firstShown = (pageNumber - 1) * OPS_PAGE_SIZE + 1;
  const caption = `Orders${isFiltered(filter) ? ' matching the filter' : ''}, newest first; page ${pageNumber}`;

  return (
    <>
      <h1>All orders</h1>
      <FilterForm filter={filter} onApply={showFilter} />
      <ConnectionBanner connection={connection} />
      {liveError ? (
        <p role="alert" className="error">
          Live updates stopped: {liveError.message}
        </p>
      ) : null}
      <p className="visually-hidden" aria-live="polite" data-testid="live-announcement">
        {announcement}
      </p>
      {pendingNew.size > 0 ? (
        <p className="notice" data-testid="new-orders-notice">
          {pendingNew.size} new order{pendingNew.size === 1 ? '' : 's'} since this list loaded.{' '}
          <button type="button" onClick={() => void load([null])}>
            Show the newest
          </button>
        </p>
      ) : null}
      <div className="list-head">
        <p role="status" data-testid="list-status">
          {page.loading && page.rows.length === 0
            ? 'Loading orders…'
            : page.totalCount === 0
              ? 'No orders match.'
              : page.totalCount !== null
                ? `Orders ${page.rows.length ? firstShown : 0}–${firstShown + page.rows.length - 1} of ${page.totalCount}${isFiltered(filter) ? ' matching' : ''}${page.loading ? ' (loading…)' : ''}`
                : ''}
        </p>
        <nav aria-label="Pages" className="pager">
          <button
            type="button"
            disabled={pageNumber === 1 || page.loading}
            onClick={() => void load(page.starts.slice(0, -1))}
          >
            Previous page
          </button>
          <span className="muted">
            Page {pageNumber}
            {page.totalCount ? ` of ${Math.max(1, Math.ceil(page.totalCount / OPS_PAGE_SIZE))}` : ''}
          </span>
          <button
            type="button"
            disabled={!page.hasNext || page.loading}
            onClick={() => void load([...page.starts, page.endCursor])}
          >
            Next page
          </button>
        </nav>
      </div>
      {page.error ? (
        <p role="alert" className="error">
          The orders could not be loaded: {page.error.message}{' '}
          <button type="button" onClick={() => void load(page.starts)}>
            Try again
          </button>
        </p>
      ) : null}
      <OrdersTable
        rows={page.rows}
        caption={caption}
        isSelected={isSelected}
        marks={marks}
        left={left}
        onToggle={toggle}
        onTogglePage={togglePage}
      />
      {items.length > 0 ? (
        // Kept in view while the operator picks rows down a long page: the bulk form is below the table.
        <div className="selection-bar">
          <span>
            {items.length} order{items.length === 1 ? '' : 's'} selected
          </span>
          <a href="#bulk">Change their status</a>
        </div>
      ) : null}
      <BulkPanel
        items={items}
        matching={page.totalCount}
        selectingAll={selectingAll}
        selectAllError={selectAllError}
        maxSelection={MAX_BULK_SELECTION}
        onSelectAllMatching={() => void selectAllMatching()}
        onClear={() => setSelection(new Map())}
        onApplied={onApplied}
      />
    </>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { customerClient } from '../client/clients.ts';
import { MyOrdersQuery } from '../client/documents.ts';
import { ApiError } from '../client/errors.ts';
import { readToken } from '../client/token.ts';
import { Layout } from '../components/Layout.tsx';
import { NeedSignIn } from '../components/NeedSignIn.tsx';
import type { MyOrdersQuery as MyOrdersResult } from '../gql/graphql.ts';
import { formatDateTime, formatMoney, priorityLabel } from '../format.ts';
import { Link } from '../router.tsx';

const PAGE_SIZE = 10;
type Row = MyOrdersResult['orders']['edges'][number]['node'];

/** `/orders`: the signed-in customer's orders, newest first, a page at a time (the API's cursor). */
export function OrdersPage() {
  const [rows, setRows] = useState<Row[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const signedIn = readToken() !== undefined;

  const load = useCallback(async (after: string | null) => {
    setLoading(true);
    try {
      const answer = await customerClient.request(MyOrdersQuery, { first: PAGE_SIZE, after });
      setRows((previous) => (after === null ? [] : previous).concat(answer.orders.edges.map((edge) => edge.node)));
      setCursor(answer.orders.pageInfo.endCursor);
      setHasMore(answer.orders.pageInfo.hasNextPage);
      setError(null);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError('The request failed.', 'NETWORK', true));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (signedIn) void load(null);
  }, [load, signedIn]);

  return (
    <Layout title="My orders">
      <h1>My orders</h1>
      {!signedIn || error?.code === 'UNAUTHENTICATED' ? (
        <NeedSignIn expired={signedIn} />
      ) : (
        <>
          {error ? (
            <p role="alert" className="error">
              The orders could not be loaded: {error.message}
            </p>
          ) : null}
          {rows.length > 0 ? (
            <table className="orders">
              <caption className="visually-hidden">Your orders, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Status</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Placed</th>
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td>
                      <Link href={`/orders/${encodeURIComponent(row.id)}`}>{row.reference}</Link>
                    </td>
                    <td>{row.canceled ? 'Canceled' : row.statusLabel}</td>
                    <td>{priorityLabel(row.priority)}</td>
                    <td>
                      <time dateTime={row.createdAt}>{formatDateTime(row.createdAt)}</time>
                    </td>
                    <td>{formatMoney(row.totalCents, row.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : !loading && !error ? (
            <p>You have no orders yet.</p>
          ) : null}
          <p role="status">
            {loading
              ? 'Loading orders…'
              : `${rows.length} order${rows.length === 1 ? '' : 's'} shown${hasMore ? '; more are available' : ''}.`}
          </p>
          {hasMore ? (
            <button type="button" disabled={loading} onClick={() => void load(cursor)}>
              Show more orders
            </button>
          ) : null}
        </>
      )}
    </Layout>
  );
}

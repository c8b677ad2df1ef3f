import { useCallback, useEffect, useState } from 'react';
import { customerClient } from '../client/clients.ts';
import { OpsOrderQuery, OpsOrderUpdatedSubscription } from '../client/opsOrderDocuments.ts';
import { useProductionRealtime } from '../client/useProductionRealtime.ts';
import { ConnectionBanner } from '../components/ConnectionBanner.tsx';
import { OpsLayout } from '../components/OpsLayout.tsx';
import { OpsMessageForm } from '../components/OpsMessageForm.tsx';
import { OpsNotes } from '../components/OpsNotes.tsx';
import { OpsOrderActions } from '../components/OpsOrderActions.tsx';
import { OpsPaymentFacts } from '../components/OpsPaymentFacts.tsx';
import { opsTimeline } from '../components/OpsTimelineDetails.tsx';
import { OpsTrackingLink } from '../components/OpsTrackingLink.tsx';
import { OrderDetail } from '../components/OrderDetail.tsx';
import { formatDateTime } from '../format.ts';
import type { OpsOrder } from '../opsOrderChanges.ts';
import { Link } from '../router.tsx';
import { OrderStates } from './OrderPage.tsx';
import '../ops-order.css';

const OPS_DOCUMENTS = { query: OpsOrderQuery, subscription: OpsOrderUpdatedSubscription };

/**
 * `/ops/orders/:id`: one order for operators, in the console's frame, behind its operator
 * check: nothing about the order is asked for until the viewer is known to be an operator.
 */
export function OpsOrderPage({ id }: { id: string }) {
  const [title, setTitle] = useState('Order');
  return (
    <OpsLayout title={title}>
      <OperatorOrder id={id} onTitle={setTitle} />
    </OpsLayout>
  );
}

function OperatorOrder({ id, onTitle }: { id: string; onTitle: (title: string) => void }) {
  // The same live hook as the customer's page (resumes from the last shown position), with the operator's selection.
  const live = useProductionRealtime<OpsOrder>(id, customerClient, OPS_DOCUMENTS);
  const { offer } = live;
  const refresh = useCallback(() => {
    customerClient.request(OpsOrderQuery, { id }).then(
      (answer) => answer.order && offer(answer.order),
      // The live feed is still there to catch up; a failed reload only leaves the page as it was.
      () => undefined,
    );
  }, [id, offer]);
  const notFound = live.error?.code === 'NOT_FOUND';
  const reference = live.order?.reference;
  useEffect(() => {
    onTitle(notFound ? 'Order not found' : reference ? `Order ${reference}` : 'Order');
  }, [notFound, reference, onTitle]);
  return (
    // `ops-order` scopes this page's styles (ops-order.css): the bundle's CSS reaches every page.
    <div className="ops-order">
      <nav aria-label="Breadcrumb" className="ops-breadcrumb">
        <Link href="/ops/orders">All orders</Link>
      </nav>
      {notFound ? (
        <>
          <h1>Order not found</h1>
          <p data-testid="not-found">
            There is no order <code>{id}</code>. <Link href="/ops/orders">See all orders</Link>.
          </p>
        </>
      ) : (
        <>
          <ConnectionBanner connection={live.connection} />
          <OrderStates live={live}>
            {(order) => (
              <OrderDetail
                order={order}
                showTrackingLink={false}
                actions={
                  <>
                    {order.heldAt ? (
                      <p data-testid="held-since">
                        On hold since <time dateTime={order.heldAt}>{formatDateTime(order.heldAt)}</time>
                      </p>
                    ) : null}
                    <OpsOrderActions order={order} onOrder={offer} refresh={refresh} />
                    <div className="columns">
                      <OpsNotes order={order} onOrder={offer} />
                      <OpsPaymentFacts order={order} />
                    </div>
                    <OpsTrackingLink order={order} onOrder={offer} />
                  </>
                }
                timeline={opsTimeline(order)}
                timelineExtra={<OpsMessageForm order={order} onOrder={offer} />}
              />
            )}
          </OrderStates>
        </>
      )}
    </div>
  );
}

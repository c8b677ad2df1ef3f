import { useState, type ReactNode } from 'react';
import type { ProductionOrder } from '../client/useProductionRealtime.ts';
import { formatDateTime, formatMoney, techniqueLabel } from '../format.ts';
import { EtaCountdown } from './EtaCountdown.tsx';
import { OrderActions } from './OrderActions.tsx';
import { RefundFacts } from './RefundFacts.tsx';
import { RouteMap } from './RouteMap.tsx';
import { PriorityBadge, StatusBadge } from './StatusBadge.tsx';
import { Timeline, type TimelineEntryView } from './Timeline.tsx';

export interface OrderDetailProps {
  readonly order: ProductionOrder;
  /** Shows the answer of the customer's own actions (cancel); unused when `actions` is given. */
  readonly onOrder?: (order: ProductionOrder) => void;
  readonly offerPayment?: boolean;
  /** Another page's actions in place of the customer's (the operator's page has its own). */
  readonly actions?: ReactNode;
  /** The timeline entries to show instead of the order's own labels (the operator's page adds actors). */
  readonly timeline?: readonly TimelineEntryView[];
  /** Shown beside the timeline, under it (the operator's message form). */
  readonly timelineExtra?: ReactNode;
  /** False where the page shows the tracking link itself. */
  readonly showTrackingLink?: boolean;
}

/** The spec's Order Detail Page body: design, reference, status, priority, ETA, items, garment, route map, timeline. */
export function OrderDetail({
  order,
  onOrder,
  offerPayment = true,
  actions,
  timeline,
  timelineExtra,
  showTrackingLink = true,
}: OrderDetailProps) {
  const paid = order.route.some((stop) => stop.status === 'QUEUED' && stop.reachedAt !== null);
  return (
    <>
      <div className="order-head" data-position={order.position}>
        {order.imageUrl ? (
          <img
            className="design"
            src={order.imageUrl}
            alt={`Design of order ${order.reference}`}
            width={180}
            height={180}
          />
        ) : null}
        <div>
          <h1>
            Order <span data-testid="reference">{order.reference}</span>
          </h1>
          <p className="badges">
            <StatusBadge statusLabel={order.statusLabel} canceled={order.canceled} />{' '}
            <PriorityBadge priority={order.priority} />
          </p>
          {order.holdReason ? <p>On hold: {order.holdReason}</p> : null}
          <section aria-labelledby="eta-heading" className="eta-box">
            <h2 id="eta-heading">Estimated ready</h2>
            <EtaCountdown
              eta={{
                etaAt: order.etaAt,
                etaDays: order.etaDays,
                onHold: order.priority === 'HOLD',
                fulfilled: order.orderStatus === 'FULFILLED',
                canceled: order.canceled,
                draft: order.orderStatus === 'DRAFT',
              }}
            />
          </section>
          <p className="muted">
            Placed {formatDateTime(order.createdAt)} · total {formatMoney(order.totalCents, order.currency)}
          </p>
        </div>
      </div>
      {actions ?? (
        <>
          {onOrder ? <OrderActions order={order} onOrder={onOrder} offerPayment={offerPayment} /> : null}
          {order.canceled && paid ? <RefundFacts orderId={order.id} position={order.position} /> : null}
        </>
      )}
      <RouteMap route={order.route} headingId="route-heading" />
      <div className="columns">
        <section className="card" aria-labelledby="items-heading">
          <h2 id="items-heading">Items</h2>
          {order.garment ? (
            <p className="garment">
              {order.garment.imageUrl ? <GarmentImage src={order.garment.imageUrl} /> : null}
              <span data-testid="garment">{order.garment.title}</span>
            </p>
          ) : null}
          <table>
            <caption className="visually-hidden">Sizes and quantities</caption>
            <thead>
              <tr>
                <th scope="col">Size</th>
                <th scope="col">Quantity</th>
                <th scope="col">Technique</th>
              </tr>
            </thead>
            <tbody>
              {order.lineItems.map((item) => (
                <tr key={item.id}>
                  <td>{item.size}</td>
                  <td>{item.quantity}</td>
                  <td>{techniqueLabel(item.technique)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {order.prompt ? <p className="muted">Design prompt: {order.prompt}</p> : null}
        </section>
        <div>
          <Timeline
            headingId="timeline-heading"
            entries={
              timeline ??
              order.events.map((event) => ({
                id: event.id,
                label: event.statusLabel,
                message: event.message,
                occurredAt: event.occurredAt,
              }))
            }
          />
          {timelineExtra}
        </div>
      </div>
      {showTrackingLink && order.publicTrackingUrl ? (
        <p>
          Anyone with this link can follow the order's progress (nothing personal is shown):{' '}
          <a href={order.publicTrackingUrl}>public tracking page</a>
        </p>
      ) : null}
    </>
  );
}

/** The blank's picture is decoration beside its title: one that fails to load is left out, not shown broken. */
function GarmentImage({ src }: { src: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  return <img src={src} alt="" width={48} height={48} onError={() => setFailed(true)} />;
}

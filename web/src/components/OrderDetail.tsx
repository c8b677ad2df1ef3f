import { useState } from 'react';
import type { ProductionOrder } from '../client/useProductionRealtime.ts';
import { formatDateTime, formatMoney, techniqueLabel } from '../format.ts';
import { EtaCountdown } from './EtaCountdown.tsx';
import { OrderActions } from './OrderActions.tsx';
import { RefundFacts } from './RefundFacts.tsx';
import { RouteMap } from './RouteMap.tsx';
import { PriorityBadge, StatusBadge } from './StatusBadge.tsx';
import { Timeline } from './Timeline.tsx';

/** The spec's Order Detail Page body: design, reference, status, priority, ETA, items, garment, route map, timeline. */
export function OrderDetail({ order, onOrder, offerPayment = true }: { order: ProductionOrder; onOrder: (order: ProductionOrder) => void; offerPayment?: boolean }) {
  const paid = order.route.some((stop) => stop.status === 'QUEUED' && stop.reachedAt !== null);
  return (
    <>
      <div className="order-head" data-position={order.position}>
        {order.imageUrl ? <img className="design" src={order.imageUrl} alt={`Design of order ${order.reference}`} width={180} height={180} /> : null}
        <div>
          <h1>
            Order <span data-testid="reference">{order.reference}</span>
          </h1>
          <p className="badges">
            <StatusBadge statusLabel={order.statusLabel} canceled={order.canceled} /> <PriorityBadge priority={order.priority} />
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
      <OrderActions order={order} onOrder={onOrder} offerPayment={offerPayment} />
      {order.canceled && paid ? <RefundFacts orderId={order.id} position={order.position} /> : null}
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
        <Timeline headingId="timeline-heading" entries={order.events.map((event) => ({ id: event.id, label: event.statusLabel, message: event.message, occurredAt: event.occurredAt }))} />
      </div>
      {order.publicTrackingUrl ? (
        <p>
          Anyone with this link can follow the order's progress (nothing personal is shown): <a href={order.publicTrackingUrl}>public tracking page</a>
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

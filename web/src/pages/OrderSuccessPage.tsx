import { ConnectionBanner } from '../components/ConnectionBanner.tsx';
import { Layout } from '../components/Layout.tsx';
import { NeedSignIn } from '../components/NeedSignIn.tsx';
import { OrderDetail } from '../components/OrderDetail.tsx';
import { readToken } from '../client/token.ts';
import { useProductionRealtime } from '../client/useProductionRealtime.ts';
import { NotFoundPage } from './NotFoundPage.tsx';
import { OrderStates } from './OrderPage.tsx';

/**
 * `/order-success?order=<id>`, Stripe's success URL. Stripe redirects before its webhook may have
 * landed, so the page says the payment is being confirmed until the order leaves draft, live.
 */
export function OrderSuccessPage({ orderId }: { orderId: string | null }) {
  if (!orderId) return <NotFoundPage what="order" />;
  if (!readToken()) {
    return (
      <Layout title="Payment received">
        <h1>Payment received</h1>
        <NeedSignIn />
      </Layout>
    );
  }
  return <Confirming orderId={orderId} />;
}

function Confirming({ orderId }: { orderId: string }) {
  const live = useProductionRealtime(orderId);
  if (live.error?.code === 'NOT_FOUND') return <NotFoundPage what="order" />;
  const confirmed = live.order !== null && live.order.orderStatus !== 'DRAFT';
  return (
    <Layout title={confirmed ? 'Payment confirmed' : 'Confirming payment'}>
      <ConnectionBanner connection={live.connection} />
      <p role="status" className="notice" data-testid="payment-state">
        {live.order === null
          ? 'Payment received: loading the order…'
          : live.order.canceled
            ? 'This order is canceled.'
            : confirmed
              ? 'Payment confirmed: your order is queued for production.'
              : 'Payment received: confirming with the payment provider…'}
      </p>
      {/* Paying again while Stripe's confirmation is on its way would pay twice: no Pay now here. */}
      <OrderStates live={live}>
        {(order) => <OrderDetail order={order} onOrder={live.offer} offerPayment={false} />}
      </OrderStates>
    </Layout>
  );
}

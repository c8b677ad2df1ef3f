import type { ReactNode } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner.tsx';
import { Layout } from '../components/Layout.tsx';
import { NeedSignIn } from '../components/NeedSignIn.tsx';
import { OrderDetail } from '../components/OrderDetail.tsx';
import { readToken } from '../client/token.ts';
import { useProductionRealtime, type ProductionRealtime } from '../client/useProductionRealtime.ts';
import { NotFoundPage } from './NotFoundPage.tsx';

/** What every signed-in order page shows before the order: not signed in, not found, failures. */
export function OrderStates<T extends { readonly position: string }>({
  live,
  children,
}: {
  live: ProductionRealtime<T>;
  children: (order: T) => ReactNode;
}) {
  if (live.error?.code === 'UNAUTHENTICATED') return <NeedSignIn expired />;
  if (live.order) return <>{children(live.order)}</>;
  if (live.error && !live.error.transient) {
    return (
      <>
        <h1>Order</h1>
        <p role="alert" className="error">
          The order could not be loaded: {live.error.message}
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Order</h1>
      <p>Loading the order…</p>
      {live.error ? <p className="error">{live.error.message} Trying again…</p> : null}
    </>
  );
}

/** `/orders/:id`, also Stripe's cancel URL: a draft there offers to pay. */
export function OrderPage({ id }: { id: string }) {
  if (!readToken()) {
    return (
      <Layout title="Order">
        <h1>Order</h1>
        <NeedSignIn />
      </Layout>
    );
  }
  return <SignedInOrderPage id={id} />;
}

function SignedInOrderPage({ id }: { id: string }) {
  const live = useProductionRealtime(id);
  if (live.error?.code === 'NOT_FOUND') return <NotFoundPage what="order" />;
  return (
    <Layout title={live.order ? `Order ${live.order.reference}` : 'Order'}>
      <ConnectionBanner connection={live.connection} />
      <OrderStates live={live}>{(order) => <OrderDetail order={order} onOrder={live.offer} />}</OrderStates>
    </Layout>
  );
}

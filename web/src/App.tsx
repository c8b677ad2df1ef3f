import { lazy, Suspense, type ReactNode } from 'react';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { OrderPage } from './pages/OrderPage.tsx';
import { OrdersPage } from './pages/OrdersPage.tsx';
import { OrderSuccessPage } from './pages/OrderSuccessPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { TrackPage } from './pages/TrackPage.tsx';
import { useLocation } from './router.tsx';

/*
 * The operators' pages come in chunks of their own, fetched when one is opened: a customer's
 * order page, the page people reach cold from Checkout, never downloads the console.
 */
const OpsOrdersPage = lazy(() => import('./pages/OpsOrdersPage.tsx').then((m) => ({ default: m.OpsOrdersPage })));
const OpsBoardPage = lazy(() => import('./pages/OpsBoardPage.tsx').then((m) => ({ default: m.OpsBoardPage })));
const OpsOrderPage = lazy(() => import('./pages/OpsOrderPage.tsx').then((m) => ({ default: m.OpsOrderPage })));
const OpsMetricsPage = lazy(() => import('./pages/OpsMetricsPage.tsx').then((m) => ({ default: m.OpsMetricsPage })));

const opsPage = (page: ReactNode) => (
  <Suspense
    fallback={
      <p className="muted" role="status">
        Loading the operators' page…
      </p>
    }
  >
    {page}
  </Suspense>
);

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/** The page routes the server answers with this app (src/http/routes/pages.ts). */
export function App() {
  const { pathname, search } = useLocation();
  const path = pathname.replace(/\/+$/, '') || '/';
  let match: RegExpExecArray | null;
  if (path === '/orders') return <OrdersPage />;
  if ((match = /^\/orders\/([^/]+)$/.exec(path)) && match[1]) return <OrderPage key={match[1]} id={decode(match[1])} />;
  if (path === '/order-success') return <OrderSuccessPage orderId={search.get('order')} />;
  if ((match = /^\/track\/([^/]+)$/.exec(path)) && match[1])
    return <TrackPage key={match[1]} token={decode(match[1])} />;
  if (path === '/signin') return <SignInPage />;
  // The console's home is its list of every order.
  if (path === '/ops/orders' || path === '/ops') return opsPage(<OpsOrdersPage />);
  if (path === '/ops/board') return opsPage(<OpsBoardPage />);
  if ((match = /^\/ops\/orders\/([^/]+)$/.exec(path)) && match[1])
    return opsPage(<OpsOrderPage key={match[1]} id={decode(match[1])} />);
  if (path === '/ops/metrics') return opsPage(<OpsMetricsPage />);
  return <NotFoundPage />;
}

import { OpsBoardPage } from './pages/OpsBoardPage.tsx';
import { OpsOrdersPage } from './pages/OpsOrdersPage.tsx';
import { OpsPage } from './pages/OpsPage.tsx';
import { OpsOrderPage } from './pages/OpsOrderPage.tsx';
import { OpsMetricsPage } from './pages/OpsMetricsPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { OrderPage } from './pages/OrderPage.tsx';
import { OrdersPage } from './pages/OrdersPage.tsx';
import { OrderSuccessPage } from './pages/OrderSuccessPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { TrackPage } from './pages/TrackPage.tsx';
import { useLocation } from './router.tsx';

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
  if (path === '/ops/orders') return <OpsOrdersPage />;
  if (path === '/ops/board') return <OpsBoardPage />;
  if ((match = /^\/ops\/orders\/([^/]+)$/.exec(path)) && match[1])
    return <OpsOrderPage key={match[1]} id={decode(match[1])} />;
  if (path === '/ops/metrics') return <OpsMetricsPage />;
  if (path === '/ops' || path.startsWith('/ops/')) return <OpsPage />;
  return <NotFoundPage />;
}

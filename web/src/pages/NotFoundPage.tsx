import { Layout } from '../components/Layout.tsx';
import { Link } from '../router.tsx';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  return (
    <Layout title="Not found">
      <h1>Not found</h1>
      <p>
        There is no such {what}, or it is not yours. <Link href="/orders">See your orders</Link>.
      </p>
    </Layout>
  );
}

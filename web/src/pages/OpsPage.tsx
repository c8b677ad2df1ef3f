import { Layout } from '../components/Layout.tsx';

/** `/ops/*`: served here so the operator console can land in these pages; not built yet. */
export function OpsPage() {
  return (
    <Layout title="Operator console">
      <h1>Operator console</h1>
      <p>
        The operator console is not part of these pages yet. Operators can use the <a href="/graphql">GraphQL API</a>{' '}
        (GraphiQL in a browser) meanwhile.
      </p>
    </Layout>
  );
}

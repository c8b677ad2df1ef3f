import { useEffect, useState, type ReactNode } from 'react';
import { customerClient } from '../client/clients.ts';
import { ApiError } from '../client/errors.ts';
import { readToken } from '../client/token.ts';
import { graphql } from '../gql/index.ts';
import { Link } from '../router.tsx';
import { Layout } from './Layout.tsx';
import { NeedSignIn } from './NeedSignIn.tsx';

const RequireOperatorViewerQuery = graphql(`
  query RequireOperatorViewer {
    viewer { id isOperator }
  }
`);

type Check = { kind: 'checking' } | { kind: 'operator' } | { kind: 'customer' } | { kind: 'signed-out'; expired: boolean } | { kind: 'failed'; message: string };

/**
 * The operator pages' gate: asks the server who the viewer is (`viewer { isOperator }`) before
 * anything else, and renders `children` (which may then load orders) for operators only. Anyone
 * else gets a plain "not allowed" page, and no operator query is ever sent on their behalf.
 * The server refuses those queries anyway; this keeps a customer's page from even asking.
 */
export function RequireOperator({ title, children }: { title: string; children: () => ReactNode }) {
  const [check, setCheck] = useState<Check>(() => (readToken() ? { kind: 'checking' } : { kind: 'signed-out', expired: false }));
  useEffect(() => {
    if (!readToken()) return;
    let current = true;
    customerClient.request(RequireOperatorViewerQuery, {}).then(
      (answer) => current && setCheck(answer.viewer ? { kind: answer.viewer.isOperator ? 'operator' : 'customer' } : { kind: 'signed-out', expired: false }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') setCheck({ kind: 'signed-out', expired: true });
        else setCheck({ kind: 'failed', message: error instanceof ApiError ? error.message : 'The request failed.' });
      },
    );
    return () => {
      current = false;
    };
  }, []);

  if (check.kind === 'operator') return <>{children()}</>;
  return (
    <Layout title={check.kind === 'customer' ? 'Not allowed' : title}>
      {check.kind === 'checking' ? (
        <>
          <h1>{title}</h1>
          <p>Checking your sign-in…</p>
        </>
      ) : check.kind === 'signed-out' ? (
        <>
          <h1>{title}</h1>
          <NeedSignIn expired={check.expired} />
        </>
      ) : check.kind === 'failed' ? (
        <>
          <h1>{title}</h1>
          <p role="alert" className="error">
            Your sign-in could not be checked: {check.message} Reload the page to try again.
          </p>
        </>
      ) : (
        <>
          <h1>Not allowed</h1>
          <p data-testid="not-allowed">This page is for operators only, and you are signed in as a customer.</p>
          <p>
            Your own orders are on <Link href="/orders">My orders</Link>.
          </p>
        </>
      )}
    </Layout>
  );
}

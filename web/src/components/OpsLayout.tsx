import { useEffect, useState, type ReactNode } from 'react';
import { customerClient } from '../client/clients.ts';
import { ApiError } from '../client/errors.ts';
import { readToken } from '../client/token.ts';
import { ViewerQuery } from '../ops/documents.ts';
import { Link } from '../router.tsx';
import { NeedSignIn } from './NeedSignIn.tsx';
import { SiteFrame } from './SiteFrame.tsx';

export type OperatorGate =
  | { readonly state: 'checking' }
  | { readonly state: 'signed-out'; readonly expired: boolean }
  | { readonly state: 'not-operator' }
  | { readonly state: 'failed'; readonly error: ApiError }
  | { readonly state: 'operator'; readonly viewerId: string };

/**
 * Whether the signed-in user is an operator, from `viewer { isOperator }`: the operator pages ask
 * this first and load no order before it says yes, so a customer's browser never asks for (and
 * the API, which refuses them anyway, never answers) the console's data.
 */
export function useOperatorGate(): OperatorGate {
  const signedIn = readToken() !== undefined;
  const [gate, setGate] = useState<OperatorGate>(
    signedIn ? { state: 'checking' } : { state: 'signed-out', expired: false },
  );
  useEffect(() => {
    if (!signedIn) return;
    let live = true;
    customerClient.request(ViewerQuery, {}).then(
      (answer) => {
        if (!live) return;
        if (!answer.viewer) setGate({ state: 'signed-out', expired: true });
        else
          setGate(
            answer.viewer.isOperator ? { state: 'operator', viewerId: answer.viewer.id } : { state: 'not-operator' },
          );
      },
      (caught: unknown) => {
        if (!live) return;
        const error = caught instanceof ApiError ? caught : new ApiError('The request failed.', 'NETWORK', true);
        setGate(error.code === 'UNAUTHENTICATED' ? { state: 'signed-out', expired: true } : { state: 'failed', error });
      },
    );
    return () => {
      live = false;
    };
  }, [signedIn]);
  return gate;
}

const NAV = {
  label: 'Operator',
  links: [
    { href: '/ops/orders', text: 'All orders' },
    { href: '/ops/board', text: 'Production board' },
    { href: '/ops/metrics', text: 'Shop figures' },
    { href: '/signin', text: 'Sign in' },
  ],
};

/**
 * The operator console's frame (the shared landmarks, its own navigation, a wide main for
 * tables) and the one operator check of its pages: `children` is mounted only once the viewer
 * is known to be an operator, so nothing about orders is asked for anyone else.
 */
export function OpsLayout({ title, children }: { title: string; children: ReactNode }) {
  const gate = useOperatorGate();
  useEffect(() => {
    document.title = `${gate.state === 'not-operator' ? 'Not allowed' : title} · Operator console`;
  }, [title, gate.state]);
  return (
    <SiteFrame brand="Production orders · Operator console" nav={NAV} apiUsedBy="this console uses" variant="ops">
      {gate.state === 'operator' ? (
        children
      ) : gate.state === 'checking' ? (
        <>
          <h1>{title}</h1>
          <p role="status">Checking your access…</p>
        </>
      ) : gate.state === 'signed-out' ? (
        <>
          <h1>{title}</h1>
          <NeedSignIn expired={gate.expired} />
        </>
      ) : gate.state === 'not-operator' ? (
        <section aria-labelledby="not-allowed" data-testid="not-allowed">
          <h1 id="not-allowed">Not allowed</h1>
          <p>The operator console is for operators only, and your account is not an operator. Nothing was loaded.</p>
          <p>
            Looking for your own orders? See <Link href="/orders">My orders</Link>.
          </p>
        </section>
      ) : (
        <>
          <h1>{title}</h1>
          <p role="alert" className="error">
            Your access could not be checked: {gate.error.message}
          </p>
          <button type="button" onClick={() => location.reload()}>
            Try again
          </button>
        </>
      )}
    </SiteFrame>
  );
}

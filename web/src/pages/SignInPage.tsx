import { useEffect, useState, type FormEvent } from 'react';
import { Layout } from '../components/Layout.tsx';
import { forgetToken, readToken, storeToken } from '../client/token.ts';
import { navigate, safeLocalPath } from '../router.tsx';

/**
 * `/signin#token=<JWT>&next=<path>`: keeps the token in `localStorage['po.token']`, removes the
 * fragment from the address bar (and so from history) and goes to `next`. Without a fragment, a
 * form to paste a token.
 */
export function SignInPage() {
  const [fromLink] = useState(() => new URLSearchParams(location.hash.slice(1)));
  const [signedIn, setSignedIn] = useState(() => readToken() !== undefined);
  const [draft, setDraft] = useState('');
  const linkToken = fromLink.get('token')?.trim();
  const next = safeLocalPath(fromLink.get('next') ?? new URLSearchParams(location.search).get('next'), '/orders');

  useEffect(() => {
    if (!linkToken) return;
    storeToken(linkToken);
    history.replaceState(null, '', location.pathname);
    navigate(next, { replace: true });
  }, [linkToken, next]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.trim()) return;
    storeToken(draft.trim());
    navigate(next);
  };

  if (linkToken)
    return (
      <Layout title="Signing in">
        <h1>Signing in…</h1>
      </Layout>
    );
  return (
    <Layout title="Sign in">
      <h1>Sign in</h1>
      {signedIn ? (
        <section className="card" aria-labelledby="signed-in">
          <h2 id="signed-in">This browser is signed in</h2>
          <p>A token is stored for these pages.</p>
          <button
            type="button"
            onClick={() => {
              forgetToken();
              setSignedIn(false);
            }}
          >
            Sign out
          </button>
        </section>
      ) : null}
      <section className="card" aria-labelledby="paste-token">
        <h2 id="paste-token">Use a token</h2>
        <p>
          Paste a JWT the server accepts: in development <code>npm run cli -- token &lt;userId&gt;</code> mints one, and
          the links printed by <code>npm start</code> sign in directly.
        </p>
        <form onSubmit={submit}>
          <label htmlFor="token">Bearer token</label>
          <textarea
            id="token"
            name="token"
            rows={4}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Layout>
  );
}

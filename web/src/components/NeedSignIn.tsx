import { Link } from '../router.tsx';

/** What a page says without a (valid) token: how to get one. */
export function NeedSignIn({ expired = false }: { expired?: boolean }) {
  return (
    <section className="card" aria-labelledby="signin-needed">
      <h2 id="signin-needed">{expired ? 'Your sign-in is no longer valid' : 'Sign in to see your orders'}</h2>
      <p>These pages send a bearer token (a JWT the server accepts) kept in this browser. To get one:</p>
      <ul>
        <li>
          In development, open a sign-in link printed by <code>npm start</code> (<code>/signin#token=…</code>).
        </li>
        <li>
          Or mint a token with <code>npm run cli -- token &lt;userId&gt;</code> and paste it on the{' '}
          <Link href="/signin">sign-in page</Link>.
        </li>
        <li>
          A shop's own app hands its users' session token (e.g. Supabase's <code>access_token</code>) to these pages the
          same way.
        </li>
      </ul>
    </section>
  );
}

import { useEffect, type ReactNode } from 'react';
import { Link } from '../router.tsx';

/** Landmarks (banner, navigation, main, contentinfo), a skip link, and the document title. */
export function Layout({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Production orders`;
  }, [title]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <p className="brand">Production orders</p>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link href="/orders">My orders</Link>
            </li>
            <li>
              <Link href="/signin">Sign in</Link>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>
          Developers: the <a href="/graphql">GraphQL API</a> these pages use.
        </p>
      </footer>
    </>
  );
}

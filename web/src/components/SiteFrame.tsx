import type { ReactNode } from 'react';
import { Link } from '../router.tsx';

export interface SiteFrameProps {
  /** The name in the banner. */
  readonly brand: string;
  /** The navigation landmark's name and its links (in-app paths). */
  readonly nav: { readonly label: string; readonly links: readonly { readonly href: string; readonly text: string }[] };
  /** Who uses the API the footer links to: "these pages use", "this console uses". */
  readonly apiUsedBy: string;
  /** A prefix for classes on the header, main and footer (`ops`: `ops-header`, `ops-main`, `ops-footer`; the console is wider). */
  readonly variant?: string;
  readonly children: ReactNode;
}

/**
 * The landmarks every page has, written once for the customer pages and the operator console: a
 * skip link to `#main` (the router focuses it after a navigation), the banner with its
 * navigation, the main content and the footer.
 */
export function SiteFrame({ brand, nav, apiUsedBy, variant, children }: SiteFrameProps) {
  const withVariant = (part: string, base?: string) =>
    [base, variant ? `${variant}-${part}` : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className={withVariant('header', 'site-header')}>
        <p className="brand">{brand}</p>
        <nav aria-label={nav.label}>
          <ul>
            {nav.links.map((link) => (
              <li key={link.href}>
                <Link href={link.href}>{link.text}</Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1} className={withVariant('main')}>
        {children}
      </main>
      <footer className={withVariant('footer', 'site-footer')}>
        <p>
          Developers: the <a href="/graphql">GraphQL API</a> {apiUsedBy}.
        </p>
      </footer>
    </>
  );
}

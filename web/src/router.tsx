import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** The pages' own tiny router: the History API, no dependency. */
const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of [...listeners]) listener();
};
globalThis.addEventListener?.('popstate', notify);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
  // As a page load would: a screen reader or keyboard user starts at the new page's content.
  requestAnimationFrame(() => document.getElementById('main')?.focus({ preventScroll: true }));
}

export interface Location {
  readonly pathname: string;
  readonly search: URLSearchParams;
}

const current = (): Location => ({ pathname: location.pathname, search: new URLSearchParams(location.search) });

export function useLocation(): Location {
  const [where, setWhere] = useState(current);
  useEffect(() => {
    const listener = () =>
      setWhere((shown) => {
        const now = current();
        return now.pathname === shown.pathname && now.search.toString() === shown.search.toString() ? shown : now;
      });
    listeners.add(listener);
    // A child's effect runs before this one and may already have navigated (the sign-in page does).
    listener();
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return where;
}

/** A same-origin path for `next`: never another origin (`//evil.example`, `https://…`). */
export function safeLocalPath(path: string | null | undefined, fallback: string): string {
  if (!path || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return fallback;
  return path;
}

/** An in-app link: a plain anchor (open in a new tab works), handled without a page load. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}

import { useEffect, type ReactNode } from 'react';
import { SiteFrame } from './SiteFrame.tsx';

const NAV = {
  label: 'Main',
  links: [
    { href: '/orders', text: 'My orders' },
    { href: '/signin', text: 'Sign in' },
  ],
};

/** The customer pages' frame (landmarks, a skip link) and the document title. */
export function Layout({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Production orders`;
  }, [title]);
  return (
    <SiteFrame brand="Production orders" nav={NAV} apiUsedBy="these pages use">
      {children}
    </SiteFrame>
  );
}

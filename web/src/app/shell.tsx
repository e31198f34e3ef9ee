import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouteContext, useRouterState } from '@tanstack/react-router';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Principal } from '../api/api-types.js';
import { setUnauthenticatedHandler } from '../api/http-client.js';
import { isAdmin, signOut } from '../api/session-api.js';
import { useTheme } from './theme.js';

interface NavItem {
  to: string;
  label: string;
  /** Hidden from keys the server would refuse anyway (it still refuses them). */
  visible: (p: Principal) => boolean;
}

const NAV: readonly NavItem[] = [
  { to: '/', label: 'Dashboard', visible: () => true },
  { to: '/findings', label: 'Findings', visible: () => true },
  { to: '/resources', label: 'Resources', visible: () => true },
  { to: '/suppression-rules', label: 'Suppression rules', visible: () => true },
  { to: '/reports', label: 'Reports', visible: () => true },
  { to: '/webhooks', label: 'Webhooks', visible: isAdmin },
  { to: '/audit-log', label: 'Audit log', visible: isAdmin },
  { to: '/accounts', label: 'Accounts', visible: () => true },
];

export function useSession(): { principal: Principal } {
  const { session } = useRouteContext({ from: '/app' });
  return { principal: session.principal };
}

/** The frame of every signed-in page: skip link, navigation, theme, sign-out, the page in <main>. */
export function Shell(): ReactNode {
  const { principal } = useSession();
  const { theme, toggle } = useTheme();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    // A 401 anywhere (session expired, revoked key, signed out in another tab) leads to sign-in.
    setUnauthenticatedHandler(() => {
      queryClient.setQueryData(['session'], null);
      void navigate({
        to: '/sign-in',
        search: { redirect: window.location.pathname + window.location.search },
      });
    });
  }, [queryClient, navigate]);

  useEffect(() => setMenuOpen(false), [pathname]);

  const onSignOut = async (): Promise<void> => {
    await signOut().catch(() => undefined);
    queryClient.clear();
    queryClient.setQueryData(['session'], null);
    await navigate({ to: '/sign-in', search: {} });
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="vigil dashboard">
          vigil
        </Link>
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="primary-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <nav id="primary-nav" aria-label="Primary" className={menuOpen ? 'nav open' : 'nav'}>
          <ul>
            {NAV.filter((n) => n.visible(principal)).map((n) => (
              <li key={n.to}>
                <Link
                  to={n.to}
                  activeOptions={{ exact: n.to === '/' }}
                  activeProps={{ 'aria-current': 'page', className: 'active' }}
                >
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-tools">
          <span className="who" title={`key ${principal.keyId}`}>
            {principal.accountId} · {principal.role}
          </span>
          <button
            type="button"
            className="ghost"
            onClick={toggle}
            aria-label={`Switch to ${theme === 'light' ? 'dark' : 'light'} theme`}
          >
            {theme === 'light' ? 'Dark' : 'Light'}
          </button>
          <button type="button" className="ghost" onClick={() => void onSignOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

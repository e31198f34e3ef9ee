import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { sessionQuery } from '../api/session-api.js';
import { DashboardPage } from '../pages/dashboard-page.js';
import { NotFoundPage } from '../pages/not-found-page.js';
import { SignInPage } from '../pages/sign-in-page.js';
import { findingsSearch } from '../pages/findings-search.js';
import { Shell } from './shell.js';

export interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (s: Record<string, unknown>): { redirect?: string } =>
    typeof s['redirect'] === 'string' && s['redirect'].startsWith('/') ? { redirect: s['redirect'] } : {},
  component: SignInPage,
});

/** Every page but sign-in: no session → the sign-in page, which comes back here afterwards. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const session = await context.queryClient.ensureQueryData(sessionQuery);
    // TanStack Router's redirect is thrown by design (it is not an Error).
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (!session) throw redirect({ to: '/sign-in', search: { redirect: location.href } });
    return { session };
  },
  component: Shell,
});

/** `?account=` picks which visible account a per-account page shows; default: the key's own. */
const accountSearch = (s: Record<string, unknown>): { account?: string } =>
  typeof s['account'] === 'string' && s['account'] ? { account: s['account'] } : {};

// The dashboard and sign-in are what a first visit shows, so they are in the first-load bundle;
// every other page is its own chunk, loaded when opened.
const page = <K extends string>(load: () => Promise<Record<K, () => React.ReactNode>>, name: K) =>
  lazyRouteComponent(load, name);

const dashboardRoute = createRoute({ getParentRoute: () => appRoute, path: '/', component: DashboardPage });
const findingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/findings',
  validateSearch: findingsSearch,
  component: page(() => import('../pages/findings-page.js'), 'FindingsPage'),
});
const findingRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/findings/$findingId',
  component: page(() => import('../pages/finding-detail-page.js'), 'FindingDetailPage'),
});
const resourcesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/resources',
  validateSearch: (s: Record<string, unknown>) => ({
    ...accountSearch(s),
    ...(typeof s['type'] === 'string' ? { type: s['type'] } : {}),
    ...(typeof s['q'] === 'string' ? { q: s['q'] } : {}),
  }),
  component: page(() => import('../pages/resources-page.js'), 'ResourcesPage'),
});
const resourceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/accounts/$accountId/resources/$resourceId',
  component: page(() => import('../pages/resource-detail-page.js'), 'ResourceDetailPage'),
});
const rulesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/suppression-rules',
  validateSearch: accountSearch,
  component: page(() => import('../pages/suppression-rules-page.js'), 'SuppressionRulesPage'),
});
const reportsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/reports',
  validateSearch: (s: Record<string, unknown>) => (typeof s['id'] === 'string' ? { id: s['id'] } : {}),
  component: page(() => import('../pages/reports-page.js'), 'ReportsPage'),
});
const webhooksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/webhooks',
  validateSearch: accountSearch,
  component: page(() => import('../pages/webhooks-page.js'), 'WebhooksPage'),
});
const webhookRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/accounts/$accountId/webhooks/$subscriptionId',
  component: page(() => import('../pages/webhook-detail-page.js'), 'WebhookDetailPage'),
});
const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/audit-log',
  validateSearch: (s: Record<string, unknown>) => ({
    ...accountSearch(s),
    ...(typeof s['action'] === 'string' ? { action: s['action'] } : {}),
  }),
  component: page(() => import('../pages/audit-log-page.js'), 'AuditLogPage'),
});
const accountsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/accounts',
  validateSearch: accountSearch,
  component: page(() => import('../pages/accounts-page.js'), 'AccountsPage'),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  appRoute.addChildren([
    dashboardRoute,
    findingsRoute,
    findingRoute,
    resourcesRoute,
    resourceRoute,
    rulesRoute,
    reportsRoute,
    webhooksRoute,
    webhookRoute,
    auditRoute,
    accountsRoute,
  ]),
]);

export function makeRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}

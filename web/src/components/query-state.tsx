import type { ReactNode } from 'react';
import { isApiError } from '../api/api-error.js';

/** Loading, error (with the API's own message and code) and empty states, the same on every page. */
export function Loading({ what }: { what: string }): ReactNode {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorView({ error, what }: { error: unknown; what: string }): ReactNode {
  const message = error instanceof Error ? error.message : String(error);
  const code = isApiError(error) ? error.code : undefined;
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load {what}.</strong> <span className="error-message">{message}</span>
      {code ? <code className="error-code">{code}</code> : null}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <p className="state state-empty">{children}</p>;
}

/** Shown where a route of a later issue (coverage, enrollment tokens, trend) answers 404 here. */
export function NotAvailable({ what }: { what: string }): ReactNode {
  return <p className="state state-unavailable">{what} is not available on this server.</p>;
}

interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
}

/** Renders the states of a query, and `children` with its data once there. */
export function QueryView<T>({
  query,
  what,
  children,
  unavailableOn404,
}: {
  query: QueryLike<T>;
  what: string;
  children: (data: T) => ReactNode;
  unavailableOn404?: string;
}): ReactNode {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError) {
    if (unavailableOn404 && isApiError(query.error, 404)) return <NotAvailable what={unavailableOn404} />;
    return <ErrorView error={query.error} what={what} />;
  }
  return children(query.data as T);
}

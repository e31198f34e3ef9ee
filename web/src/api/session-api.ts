import { queryOptions } from '@tanstack/react-query';
import { isApiError } from './api-error.js';
import type { Principal, Session } from './api-types.js';
import { apiJson, setCsrfToken } from './http-client.js';

/**
 * The session: the key is sent once to POST /v1/sessions, which answers with an HttpOnly cookie the
 * browser keeps and this page never sees, plus the CSRF token mutating requests carry. A reload asks
 * GET /v1/sessions/current for the principal and the token again; nothing is kept in storage.
 */
export const sessionQuery = queryOptions({
  queryKey: ['session'],
  queryFn: async (): Promise<Session | null> => {
    try {
      const s = await apiJson<Session>('/v1/sessions/current', { quiet401: true });
      setCsrfToken(s.csrfToken);
      return s;
    } catch (e) {
      if (isApiError(e, 401)) {
        setCsrfToken(undefined);
        return null;
      }
      throw e;
    }
  },
  staleTime: 60_000,
  retry: false,
});

export async function signIn(key: string): Promise<Session> {
  const s = await apiJson<Session>('/v1/sessions', { method: 'POST', body: { key }, quiet401: true });
  setCsrfToken(s.csrfToken);
  return s;
}

export async function signOut(): Promise<void> {
  try {
    await apiJson<void>('/v1/sessions/current', { method: 'DELETE', quiet401: true });
  } finally {
    setCsrfToken(undefined);
  }
}

export const isAdmin = (p: Principal | undefined): boolean => p?.role === 'admin';
export const canWrite = (p: Principal | undefined): boolean => p !== undefined && p.role !== 'read-only';

import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type FormEvent, type ReactNode } from 'react';
import { signIn } from '../api/session-api.js';

/**
 * Sign-in with an API key. The key lives only in this form's state until POST /v1/sessions answers;
 * the browser then holds an HttpOnly session cookie, and the key is dropped.
 */
export function SignInPage(): ReactNode {
  const search = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await signIn(key.trim());
      setKey('');
      queryClient.clear();
      queryClient.setQueryData(['session'], session);
      await navigate({ to: search.redirect ?? '/' });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <form className="card sign-in-card" onSubmit={(e) => void submit(e)} aria-describedby="sign-in-help">
        <h1>Sign in to vigil</h1>
        <p id="sign-in-help" className="muted">
          Paste an API key (<code>vk_…</code>). It is exchanged for a session cookie and not kept by the
          browser.
        </p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
        />
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

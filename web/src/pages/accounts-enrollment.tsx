import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { apiJson } from '../api/http-client.js';
import { Empty, QueryView } from '../components/query-state.js';
import { fmtDateTime } from '../lib/format.js';

interface EnrollmentToken {
  id: string;
  name: string | null;
  prefix: string;
  tags: Record<string, string>;
  expiresAt: string | null;
  maxUses: number | null;
  uses: number;
  createdAt: string;
  revokedAt: string | null;
}
type CreatedToken = EnrollmentToken & { token: string };

const tokensPath = (a: string) => `/v1/accounts/${encodeURIComponent(a)}/enrollment-tokens`;
const LIFETIMES = ['1h', '24h', '7d', '30d'] as const;

/**
 * Enrollment tokens of an account (admin keys): create (the token is shown once, here only), list,
 * revoke. What `vigil agent --enroll-token` presents; the tags become the enrolled hosts' tags.
 */
export function EnrollmentTokens({ accountId }: { accountId: string }): ReactNode {
  const id = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [expiresIn, setExpiresIn] = useState<string>('24h');
  const [maxUses, setMaxUses] = useState('');
  const key = ['enrollment-tokens', accountId];
  const q = useQuery({
    queryKey: key,
    queryFn: () => apiJson<{ tokens: EnrollmentToken[] }>(tokensPath(accountId)).then((r) => r.tokens),
    retry: false,
  });
  const create = useMutation({
    mutationFn: () =>
      apiJson<CreatedToken>(tokensPath(accountId), {
        method: 'POST',
        body: { expiresIn, ...(name ? { name } : {}), ...(maxUses ? { maxUses: Number(maxUses) } : {}) },
      }),
    onSuccess: async () => {
      setName('');
      setMaxUses('');
      await queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (tokenId: string) =>
      apiJson<EnrollmentToken>(`${tokensPath(accountId)}/${encodeURIComponent(tokenId)}`, {
        method: 'DELETE',
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Enrollment tokens of {accountId}</h2>
      <QueryView query={q} what="enrollment tokens" unavailableOn404="Host enrollment">
        {(tokens) =>
          tokens.length === 0 ? (
            <Empty>No enrollment token.</Empty>
          ) : (
            <TokenTable tokens={tokens} onRevoke={(t) => revoke.mutate(t)} />
          )
        }
      </QueryView>
      <form className="toolbar" onSubmit={submit}>
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={`${id}-exp`}>Expires in</label>
        <select id={`${id}-exp`} value={expiresIn} onChange={(e) => setExpiresIn(e.target.value)}>
          {LIFETIMES.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-max`}>Max uses</label>
        <input
          id={`${id}-max`}
          type="number"
          min={1}
          value={maxUses}
          onChange={(e) => setMaxUses(e.target.value)}
        />
        <button type="submit" disabled={create.isPending}>
          Create enrollment token
        </button>
      </form>
      {[create, revoke].map((m, i) =>
        m.isError ? (
          <p key={i} role="alert" className="form-error">
            {m.error.message}
          </p>
        ) : null,
      )}
      {create.data ? (
        <div className="secret-once" role="status">
          New enrollment token, shown only now; give it to <code>vigil agent --enroll-token</code>:{' '}
          <code data-testid="created-enrollment-token">{create.data.token}</code>
        </div>
      ) : null}
    </section>
  );
}

function TokenTable({
  tokens,
  onRevoke,
}: {
  tokens: EnrollmentToken[];
  onRevoke: (id: string) => void;
}): ReactNode {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="enrollment-tokens-table">
        <caption className="visually-hidden">Enrollment tokens</caption>
        <thead>
          <tr>
            <th scope="col">Prefix</th>
            <th scope="col">Name</th>
            <th scope="col">Uses</th>
            <th scope="col">Expires</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} data-token-id={t.id}>
              <td data-label="Prefix">
                <code>{t.prefix}…</code>
              </td>
              <td data-label="Name">{t.name ?? '—'}</td>
              <td data-label="Uses">
                {t.uses}
                {t.maxUses !== null ? ` of ${t.maxUses}` : ''}
              </td>
              <td data-label="Expires">{fmtDateTime(t.expiresAt)}</td>
              <td data-label="State">
                {t.revokedAt ? (
                  `revoked ${fmtDateTime(t.revokedAt)}`
                ) : (
                  <button
                    type="button"
                    className="danger"
                    onClick={() => window.confirm(`Revoke enrollment token ${t.prefix}…?`) && onRevoke(t.id)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

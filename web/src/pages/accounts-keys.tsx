import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiKeyInfo, CreatedKey, Role } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { Empty, QueryView } from '../components/query-state.js';
import { fmtDateTime } from '../lib/format.js';

const keysPath = (a: string) => `/v1/accounts/${encodeURIComponent(a)}/keys`;

/** API keys of an account (admin keys): create (the key is shown once, here only), list, revoke. */
export function ApiKeys({ accountId }: { accountId: string }): ReactNode {
  const id = useId();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>('member');
  const [name, setName] = useState('');
  const q = useQuery({
    queryKey: ['keys', accountId],
    queryFn: () => apiJson<{ keys: ApiKeyInfo[] }>(keysPath(accountId)).then((r) => r.keys),
  });
  const create = useMutation({
    mutationFn: () =>
      apiJson<CreatedKey>(keysPath(accountId), { method: 'POST', body: { role, ...(name ? { name } : {}) } }),
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['keys', accountId] });
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) =>
      apiJson<ApiKeyInfo>(`${keysPath(accountId)}/${encodeURIComponent(keyId)}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['keys', accountId] }),
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>API keys of {accountId}</h2>
      <QueryView query={q} what="keys">
        {(keys) =>
          keys.length === 0 ? (
            <Empty>No key.</Empty>
          ) : (
            <div className="table-scroll">
              <table className="data-table" data-testid="keys-table">
                <caption className="visually-hidden">API keys</caption>
                <thead>
                  <tr>
                    <th scope="col">Prefix</th>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {keys.map((k) => (
                    <tr key={k.id}>
                      <td data-label="Prefix">
                        <code>{k.prefix}…</code>
                      </td>
                      <td data-label="Name">{k.name ?? '—'}</td>
                      <td data-label="Role">{k.role}</td>
                      <td data-label="Created">{fmtDateTime(k.createdAt)}</td>
                      <td data-label="Last used">{fmtDateTime(k.lastUsedAt)}</td>
                      <td data-label="State">
                        {k.revokedAt ? (
                          `revoked ${fmtDateTime(k.revokedAt)}`
                        ) : (
                          <button
                            type="button"
                            className="danger"
                            onClick={() => window.confirm(`Revoke key ${k.prefix}…?`) && revoke.mutate(k.id)}
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
          )
        }
      </QueryView>
      <form className="toolbar" onSubmit={submit}>
        <label htmlFor={`${id}-role`}>Role</label>
        <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="admin">admin</option>
          <option value="member">member</option>
          <option value="read-only">read-only</option>
        </select>
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {create.isError ? (
        <p role="alert" className="form-error">
          {create.error.message}
        </p>
      ) : null}
      {revoke.isError ? (
        <p role="alert" className="form-error">
          {revoke.error.message}
        </p>
      ) : null}
      {create.data ? (
        <div className="secret-once" role="status">
          New {create.data.role} key, shown only now; copy it:{' '}
          <code data-testid="created-key">{create.data.key}</code>
        </div>
      ) : null}
    </section>
  );
}

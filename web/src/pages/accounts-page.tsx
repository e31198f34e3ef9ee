import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Account, Organization } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { accountsQuery } from '../api/queries.js';
import { isAdmin } from '../api/session-api.js';
import { useSession } from '../app/shell.js';
import { AccountPicker } from '../components/account-picker.js';
import { QueryView } from '../components/query-state.js';
import { fmtDate } from '../lib/format.js';
import { EnrollmentTokens } from './accounts-enrollment.js';
import { ApiKeys } from './accounts-keys.js';

const KINDS = ['host', 'image', 'network'] as const;

function OrganizationCard({ id }: { id: string }): ReactNode {
  const q = useQuery({
    queryKey: ['organization', id],
    queryFn: () => apiJson<Organization>(`/v1/organizations/${encodeURIComponent(id)}`),
  });
  return (
    <section className="card" aria-labelledby="org-h">
      <h2 id="org-h">Organization</h2>
      <QueryView query={q} what="the organization">
        {(o) => (
          <dl className="facts">
            <dt>Name</dt>
            <dd data-testid="org-name">{o.name}</dd>
            <dt>Delegated administrator</dt>
            <dd>{o.delegatedAdminAccountId ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{fmtDate(o.createdAt)}</dd>
            <dt>Members you see</dt>
            <dd>{o.accounts.map((a) => a.id).join(', ')}</dd>
          </dl>
        )}
      </QueryView>
    </section>
  );
}

function ScanningTable({ accounts, canChange }: { accounts: Account[]; canChange: boolean }): ReactNode {
  const queryClient = useQueryClient();
  const put = useMutation({
    mutationFn: (a: { id: string; kind: (typeof KINDS)[number]; on: boolean }) =>
      apiJson(`/v1/accounts/${encodeURIComponent(a.id)}/scanning`, {
        method: 'PUT',
        body: { [a.kind]: a.on },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['accounts'] }),
  });
  return (
    <section className="card" aria-labelledby="acc-h">
      <h2 id="acc-h">Accounts and scan types</h2>
      <div className="table-scroll">
        <table className="data-table" data-testid="accounts-table">
          <caption className="visually-hidden">Accounts with the scan types each has switched on</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Name</th>
              {KINDS.map((k) => (
                <th key={k} scope="col">
                  {k} scanning
                </th>
              ))}
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id}>
                <td data-label="Account">{a.id}</td>
                <td data-label="Name">{a.name}</td>
                {KINDS.map((k) => (
                  <td key={k} data-label={k}>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={a.scanning[k]}
                        disabled={!canChange || put.isPending}
                        onChange={(e) => {
                          const on = e.target.checked;
                          if (
                            on ||
                            window.confirm(
                              `Switch ${k} scanning off for ${a.id}? Its open ${k} findings close.`,
                            )
                          )
                            put.mutate({ id: a.id, kind: k, on });
                        }}
                      />
                      <span className="visually-hidden">
                        {k} scanning of {a.id}
                      </span>{' '}
                      {a.scanning[k] ? 'on' : 'off'}
                    </label>
                  </td>
                ))}
                <td data-label="Created">{fmtDate(a.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {put.isError ? (
        <p role="alert" className="form-error">
          {put.error.message}
        </p>
      ) : null}
    </section>
  );
}

/** Organization, member accounts with their scan types, and (admin keys) API keys and enrollment tokens. */
export function AccountsPage(): ReactNode {
  const search = useSearch({ from: '/app/accounts' });
  const navigate = useNavigate({ from: '/accounts' });
  const { principal } = useSession();
  const q = useQuery(accountsQuery);
  const selected = search.account ?? principal.accountId;
  const own = q.data?.find((a) => a.id === principal.accountId);
  return (
    <div className="page">
      <h1>Accounts</h1>
      <QueryView query={q} what="accounts">
        {(accounts) => (
          <>
            {own?.organizationId ? (
              <OrganizationCard id={own.organizationId} />
            ) : (
              <p className="muted">This account is in no organization.</p>
            )}
            <ScanningTable accounts={accounts} canChange={isAdmin(principal)} />
            {isAdmin(principal) ? (
              <>
                <div className="toolbar card">
                  <AccountPicker
                    value={selected}
                    onChange={(a) => void navigate({ search: { account: a } })}
                  />
                </div>
                <ApiKeys accountId={selected} />
                <EnrollmentTokens accountId={selected} />
              </>
            ) : null}
          </>
        )}
      </QueryView>
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import type { SuppressionRule } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { isAdmin } from '../api/session-api.js';
import { useSession } from '../app/shell.js';
import { AccountPicker } from '../components/account-picker.js';
import { Empty, QueryView } from '../components/query-state.js';
import { chipsOf, eq } from '../lib/filter-criteria.js';
import { fmtDateTime, fmtInt } from '../lib/format.js';

const rulesPath = (a: string) => `/v1/accounts/${encodeURIComponent(a)}/suppression-rules`;

/** Suppression rules of an account: every key reads them, admin keys delete them (new ones come from the explorer). */
export function SuppressionRulesPage(): ReactNode {
  const search = useSearch({ from: '/app/suppression-rules' });
  const navigate = useNavigate({ from: '/suppression-rules' });
  const { principal } = useSession();
  const queryClient = useQueryClient();
  const accountId = search.account ?? principal.accountId;
  const [message, setMessage] = useState<string | undefined>();
  const q = useQuery({
    queryKey: ['rules', accountId],
    queryFn: () => apiJson<{ rules: SuppressionRule[] }>(rulesPath(accountId)).then((r) => r.rules),
  });
  const remove = useMutation({
    mutationFn: (rule: SuppressionRule) =>
      apiJson<{ findingsChanged: number }>(`${rulesPath(accountId)}/${encodeURIComponent(rule.id)}`, {
        method: 'DELETE',
      }),
    onSuccess: async (r, rule) => {
      setMessage(`Rule “${rule.name}” deleted: ${fmtInt(r.findingsChanged)} findings changed.`);
      await queryClient.invalidateQueries();
    },
  });
  return (
    <div className="page">
      <h1>Suppression rules</h1>
      <div className="toolbar card">
        <AccountPicker value={accountId} onChange={(a) => void navigate({ search: { account: a } })} />
        <p className="muted">
          New rules are made from a filter in the{' '}
          <Link to="/findings" search={{ filter: {} }}>
            findings explorer
          </Link>
          .
        </p>
      </div>
      {message ? (
        <p role="status" className="success">
          {message}
        </p>
      ) : null}
      {remove.isError ? (
        <p role="alert" className="form-error">
          {remove.error.message}
        </p>
      ) : null}
      <section className="card" aria-label="Rules">
        <QueryView query={q} what="suppression rules">
          {(rules) =>
            rules.length === 0 ? (
              <Empty>No suppression rule in {accountId}.</Empty>
            ) : (
              <div className="table-scroll">
                <table className="data-table" data-testid="rules-table">
                  <caption className="visually-hidden">Suppression rules of {accountId}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Reason</th>
                      <th scope="col">Filter</th>
                      <th scope="col">Expires</th>
                      <th scope="col">Updated</th>
                      <th scope="col">Suppressed</th>
                      {isAdmin(principal) ? (
                        <th scope="col">
                          <span className="visually-hidden">Actions</span>
                        </th>
                      ) : null}
                    </tr>
                  </thead>
                  <tbody>
                    {rules.map((r) => (
                      <tr key={r.id}>
                        <td data-label="Name" className="rule-name">
                          {r.name}
                        </td>
                        <td data-label="Reason">{r.reason}</td>
                        <td data-label="Filter">
                          <ul className="chips">
                            {chipsOf(r.filter).map((c) => (
                              <li key={`${c.field}-${c.index}`} className="chip">
                                {c.label}
                              </li>
                            ))}
                          </ul>
                        </td>
                        <td data-label="Expires">{r.expiresAt ? fmtDateTime(r.expiresAt) : 'never'}</td>
                        <td data-label="Updated">{fmtDateTime(r.updatedAt)}</td>
                        <td data-label="Suppressed">
                          <Link
                            to="/findings"
                            search={{
                              filter: {
                                ...r.filter,
                                accountId: [eq(accountId)],
                                findingStatus: [eq('SUPPRESSED')],
                              },
                            }}
                          >
                            findings
                          </Link>
                        </td>
                        {isAdmin(principal) ? (
                          <td>
                            <button
                              type="button"
                              className="danger"
                              disabled={remove.isPending}
                              onClick={() => {
                                if (
                                  window.confirm(`Delete rule “${r.name}”? Its findings become active again.`)
                                )
                                  remove.mutate(r);
                              }}
                            >
                              Delete
                            </button>
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      </section>
    </div>
  );
}

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useId, useState, type ReactNode } from 'react';
import type { AuditEntry } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { useSession } from '../app/shell.js';
import { AccountPicker } from '../components/account-picker.js';
import { Empty, QueryView } from '../components/query-state.js';
import { fmtDateTime } from '../lib/format.js';

/** The audit log (admin keys): who did what to which account, newest first, paged by nextToken. */
export function AuditLogPage(): ReactNode {
  const search = useSearch({ from: '/app/audit-log' });
  const navigate = useNavigate({ from: '/audit-log' });
  const { principal } = useSession();
  const id = useId();
  const [tokens, setTokens] = useState<string[]>([]);
  const token = tokens[tokens.length - 1];
  const [action, setAction] = useState(search.action ?? '');
  const q = useQuery({
    queryKey: ['audit', search.account, search.action, token],
    queryFn: () =>
      apiJson<{ entries: AuditEntry[]; nextToken?: string }>('/v1/audit-log', {
        query: { accountId: search.account, action: search.action, maxResults: 50, nextToken: token },
      }),
    placeholderData: keepPreviousData,
  });
  return (
    <div className="page">
      <h1>Audit log</h1>
      <form
        className="toolbar card"
        onSubmit={(e) => {
          e.preventDefault();
          setTokens([]);
          const { action: _a, ...rest } = search;
          void navigate({ search: action ? { ...rest, action } : rest });
        }}
      >
        <AccountPicker
          value={search.account ?? principal.accountId}
          onChange={(a) => {
            setTokens([]);
            void navigate({ search: { ...search, account: a } });
          }}
        />
        <label htmlFor={`${id}-action`}>Action</label>
        <input
          id={`${id}-action`}
          value={action}
          onChange={(e) => setAction(e.target.value)}
          placeholder="POST /v1/accounts/{accountId}/keys"
        />
        <button type="submit">Filter</button>
      </form>
      <section className="card" aria-label="Entries">
        <QueryView query={q} what="the audit log">
          {(r) =>
            r.entries.length === 0 ? (
              <Empty>No entry.</Empty>
            ) : (
              <>
                <div className="table-scroll">
                  <table className="data-table" data-testid="audit-table">
                    <caption className="visually-hidden">Audit log entries, newest first</caption>
                    <thead>
                      <tr>
                        <th scope="col">When</th>
                        <th scope="col">Account</th>
                        <th scope="col">Key</th>
                        <th scope="col">Action</th>
                        <th scope="col">Target</th>
                        <th scope="col">Result</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.entries.map((e) => (
                        <tr key={e.seq}>
                          <td data-label="When">{fmtDateTime(e.at)}</td>
                          <td data-label="Account">{e.accountId ?? '—'}</td>
                          <td data-label="Key">
                            <code>{e.keyId?.slice(0, 8) ?? '—'}</code>
                          </td>
                          <td data-label="Action">
                            <code className="wrap">{e.action}</code>
                          </td>
                          <td data-label="Target" className="truncate">
                            {e.target
                              ? Object.entries(e.target)
                                  .map(([k, v]) => `${k}=${v}`)
                                  .join(' ')
                              : '—'}
                          </td>
                          <td data-label="Result">{e.result}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <nav className="pager" aria-label="Audit pages">
                  <button
                    type="button"
                    disabled={!tokens.length}
                    onClick={() => setTokens((t) => t.slice(0, -1))}
                  >
                    Newer
                  </button>
                  <button
                    type="button"
                    disabled={!r.nextToken}
                    onClick={() => r.nextToken && setTokens((t) => [...t, r.nextToken as string])}
                  >
                    Older
                  </button>
                </nav>
              </>
            )
          }
        </QueryView>
      </section>
    </div>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useId, useMemo, useState, type ReactNode } from 'react';
import { isApiError } from '../api/api-error.js';
import type { CoveredResource, Resource } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { aggregationQuery, resourcesQuery } from '../api/queries.js';
import { useSession } from '../app/shell.js';
import { AccountPicker, TagList } from '../components/account-picker.js';
import { Empty, QueryView } from '../components/query-state.js';
import { eq } from '../lib/filter-criteria.js';
import { fmtDateTime, fmtInt } from '../lib/format.js';
import { lastScanOf, osOf } from '../lib/resource-facts.js';

// Finding counts are asked for the shown page only: FilterCriteria takes at most 20 values a field.
const PAGE = 20;

function useCoverage(accountId: string, ids: string[]) {
  return useQuery({
    queryKey: ['coverage', accountId, ids],
    queryFn: () =>
      apiJson<{ coveredResources: CoveredResource[] }>('/v1/coverage', {
        query: {
          filter: JSON.stringify({ accountId: [eq(accountId)], resourceId: ids.map(eq) }),
          maxResults: 100,
        },
      }),
    enabled: ids.length > 0,
    retry: false,
  });
}

function ResourceRows({ accountId, rows }: { accountId: string; rows: Resource[] }): ReactNode {
  const ids = rows.map((r) => r.id);
  const counts = useQuery({
    ...aggregationQuery({
      groupBy: 'RESOURCE',
      filter: { accountId: [eq(accountId)], resourceId: ids.map(eq) },
      maxResults: PAGE,
    }),
    enabled: ids.length > 0,
  });
  const coverage = useCoverage(accountId, ids);
  const countOf = (id: string) => counts.data?.groups.find((g) => g.key['resourceId'] === id)?.severityCounts;
  const statusOf = (id: string): string => {
    if (coverage.isError) return isApiError(coverage.error, 404) ? 'n/a' : 'error';
    const c = coverage.data?.coveredResources.find((x) => x.resourceId === id);
    return c
      ? `${c.scanStatus.statusCode === 'ACTIVE' ? 'Scanning' : 'Not scanning'} · ${c.scanStatus.reason}`
      : '…';
  };
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="resources-table">
        <caption className="visually-hidden">Resources of {accountId}</caption>
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">OS / platform</th>
            <th scope="col">Last scan</th>
            <th scope="col">Tags</th>
            <th scope="col" className="num">
              Critical
            </th>
            <th scope="col" className="num">
              High
            </th>
            <th scope="col" className="num">
              Active
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const c = countOf(r.id);
            return (
              <tr key={r.id}>
                <td data-label="Resource" className="truncate">
                  <Link
                    to="/accounts/$accountId/resources/$resourceId"
                    params={{ accountId, resourceId: r.id }}
                  >
                    {typeof r.details['hostname'] === 'string' && r.details['hostname'] !== r.id
                      ? `${r.id} (${r.details['hostname']})`
                      : r.id}
                  </Link>
                </td>
                <td data-label="Type">{r.type}</td>
                <td data-label="Status">{statusOf(r.id)}</td>
                <td data-label="OS">{osOf(r)}</td>
                <td data-label="Last scan">{fmtDateTime(lastScanOf(r) ?? r.updatedAt)}</td>
                <td data-label="Tags">
                  <TagList tags={r.tags} />
                </td>
                <td data-label="Critical" className="num">
                  {counts.isPending ? '…' : fmtInt(c?.critical ?? 0)}
                </td>
                <td data-label="High" className="num">
                  {counts.isPending ? '…' : fmtInt(c?.high ?? 0)}
                </td>
                <td data-label="Active" className="num" data-testid={`resource-active-${r.id}`}>
                  {counts.isPending ? '…' : fmtInt(c?.all ?? 0)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {coverage.isError && isApiError(coverage.error, 404) ? (
        <p className="muted small">Coverage status is not available on this server.</p>
      ) : null}
    </div>
  );
}

/** Hosts and images of one account, with status, OS, tags and finding counts. */
export function ResourcesPage(): ReactNode {
  const search = useSearch({ from: '/app/resources' });
  const navigate = useNavigate({ from: '/resources' });
  const { principal } = useSession();
  const id = useId();
  const accountId = search.account ?? principal.accountId;
  const q = useQuery(resourcesQuery(accountId, search.type));
  const [page, setPage] = useState(0);
  const text = (search.q ?? '').toLowerCase();
  const shown = useMemo(
    () =>
      (q.data ?? []).filter(
        (r) =>
          !text ||
          r.id.toLowerCase().includes(text) ||
          JSON.stringify(r.tags).toLowerCase().includes(text) ||
          osOf(r).toLowerCase().includes(text),
      ),
    [q.data, text],
  );
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const current = Math.min(page, pages - 1);
  return (
    <div className="page">
      <h1>Resources</h1>
      <div className="toolbar card">
        <AccountPicker
          value={accountId}
          onChange={(a) => void navigate({ search: { ...search, account: a } })}
        />
        <label htmlFor={`${id}-type`}>Type</label>
        <select
          id={`${id}-type`}
          value={search.type ?? ''}
          onChange={(e) => {
            const { type: _t, ...rest } = search;
            void navigate({ search: e.target.value ? { ...rest, type: e.target.value } : rest });
          }}
        >
          <option value="">All</option>
          <option value="HOST">Hosts</option>
          <option value="CONTAINER_IMAGE">Images</option>
          <option value="CONTAINER_REPOSITORY">Repositories</option>
        </select>
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          value={search.q ?? ''}
          onChange={(e) => {
            setPage(0);
            const { q: _q, ...rest } = search;
            void navigate({ search: e.target.value ? { ...rest, q: e.target.value } : rest, replace: true });
          }}
        />
      </div>
      <section className="card" aria-label="Resource list">
        <QueryView query={q} what="resources">
          {() =>
            shown.length === 0 ? (
              <Empty>
                No resource{text ? ' matches the search' : ' yet: submit an inventory or scan an image'}.
              </Empty>
            ) : (
              <>
                <p className="muted">{fmtInt(shown.length)} resources</p>
                <ResourceRows
                  accountId={accountId}
                  rows={shown.slice(current * PAGE, current * PAGE + PAGE)}
                />
                <nav className="pager" aria-label="Resource pages">
                  <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
                    Previous
                  </button>
                  <span>
                    page {fmtInt(current + 1)} of {fmtInt(pages)}
                  </span>
                  <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
                    Next
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

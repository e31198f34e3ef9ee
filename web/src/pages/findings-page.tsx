import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import type { ColumnDef, SortingState } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import type { FilterCriteria, Finding } from '../api/api-types.js';
import { findingsQuery } from '../api/queries.js';
import { canWrite, isAdmin } from '../api/session-api.js';
import { useSession } from '../app/shell.js';
import { DataTable } from '../components/data-table.js';
import { FilterChips } from '../components/filter-chips.js';
import { Empty, ErrorView, Loading } from '../components/query-state.js';
import { SeverityBadge, StatusBadge } from '../components/severity-badge.js';
import { fmtDate, fmtScore } from '../lib/format.js';
import { ExportPanel } from './findings-export.js';
import { GroupByPanel } from './findings-group-by.js';
import { CreateRuleFromFilter } from './findings-rule.js';
import type { FindingsSearch, SortField } from './findings-search.js';

const PAGE_SIZE = 50;

const pkg = (f: Finding) => f.packageVulnerabilityDetails?.vulnerablePackages[0];

const columns: Array<ColumnDef<Finding, unknown>> = [
  {
    id: 'severity',
    header: 'Severity',
    enableSorting: false,
    meta: 'Severity',
    cell: (c) => <SeverityBadge severity={c.row.original.severity} />,
  },
  {
    id: 'title',
    header: 'Finding',
    enableSorting: false,
    meta: 'Finding',
    cell: (c) => (
      <Link to="/findings/$findingId" params={{ findingId: c.row.original.id }} className="finding-link">
        {c.row.original.packageVulnerabilityDetails?.vulnerabilityId ?? c.row.original.title}
      </Link>
    ),
  },
  {
    id: 'package',
    header: 'Package',
    enableSorting: false,
    meta: 'Package',
    cell: (c) => {
      const p = pkg(c.row.original);
      return p ? (
        <span>
          <span className="pkg-name">{p.name}</span> <span className="muted">{p.version}</span>
          {p.fixedInVersion && p.fixedInVersion !== 'NotAvailable' ? (
            <span className="muted"> → {p.fixedInVersion}</span>
          ) : null}
        </span>
      ) : (
        '—'
      );
    },
  },
  {
    id: 'resource',
    header: 'Resource',
    enableSorting: false,
    meta: 'Resource',
    cell: (c) => <span className="truncate">{c.row.original.resources[0]?.id ?? '—'}</span>,
  },
  {
    id: 'inspectorScore',
    // An accessor makes the column sortable in TanStack Table (the sort itself is the server's).
    accessorFn: (f) => f.score ?? -1,
    header: 'Score',
    meta: 'Score',
    cell: (c) => <span className="num">{fmtScore(c.row.original.score)}</span>,
  },
  {
    id: 'status',
    header: 'Status',
    enableSorting: false,
    meta: 'Status',
    cell: (c) => <StatusBadge status={c.row.original.status} />,
  },
  {
    id: 'firstObservedAt',
    accessorFn: (f) => f.firstObservedAt,
    header: 'First seen',
    meta: 'First seen',
    cell: (c) => fmtDate(c.row.original.firstObservedAt),
  },
  {
    id: 'lastObservedAt',
    accessorFn: (f) => f.lastObservedAt,
    header: 'Last seen',
    meta: 'Last seen',
    cell: (c) => fmtDate(c.row.original.lastObservedAt),
  },
];

/**
 * The findings explorer: the filter, sort, group-by and page live in the URL; every page is one
 * server request (`maxResults` 50 + `nextToken`), so a million findings cost what fifty do.
 */
export function FindingsPage(): ReactNode {
  const search = useSearch({ from: '/app/findings' });
  const navigate = useNavigate({ from: '/findings' });
  const { principal } = useSession();
  const cursors = search.cursors ?? [];
  const args = {
    filter: search.filter,
    maxResults: PAGE_SIZE,
    ...(search.sortBy ? { sortBy: search.sortBy } : {}),
    ...(search.sortOrder ? { sortOrder: search.sortOrder } : {}),
    ...(cursors.length ? { nextToken: cursors[cursors.length - 1] } : {}),
  };
  const q = useQuery({ ...findingsQuery(args), placeholderData: keepPreviousData });

  const go = (patch: Partial<FindingsSearch>): void => {
    void navigate({ search: (prev: FindingsSearch) => ({ ...prev, ...patch }) });
  };
  const setFilter = (filter: FilterCriteria): void => {
    const { cursors: _drop, ...rest } = search;
    void navigate({ search: { ...rest, filter } });
  };
  const sorting: SortingState = search.sortBy
    ? [{ id: search.sortBy, desc: search.sortOrder === 'DESC' }]
    : [];
  const onSort = (s: SortingState): void => {
    const first = s[0];
    const { cursors: _drop, sortBy: _s, sortOrder: _o, ...rest } = search;
    void navigate({
      search: first
        ? { ...rest, sortBy: first.id as SortField, sortOrder: first.desc ? 'DESC' : 'ASC' }
        : rest,
    });
  };

  return (
    <div className="page">
      <h1>Findings</h1>
      <section aria-label="Filters" className="card">
        <FilterChips criteria={search.filter} onChange={setFilter} />
        <div className="toolbar">
          {canWrite(principal) ? <ExportPanel filter={search.filter} /> : null}
          {isAdmin(principal) ? <CreateRuleFromFilter filter={search.filter} /> : null}
        </div>
      </section>
      <GroupByPanel
        filter={search.filter}
        groupBy={search.groupBy}
        onGroupBy={(g) => go(g ? { groupBy: g } : { groupBy: undefined as never })}
        onPick={setFilter}
      />
      <section aria-labelledby="results-heading" className="card">
        <h2 id="results-heading">
          Results{' '}
          <span className="muted small">
            page {cursors.length + 1}
            {q.isFetching ? ' · loading…' : ''}
          </span>
        </h2>
        {q.isPending ? (
          <Loading what="findings" />
        ) : q.isError ? (
          <ErrorView error={q.error} what="findings" />
        ) : q.data.findings.length === 0 ? (
          <Empty>No finding matches these filters.</Empty>
        ) : (
          <DataTable
            data={q.data.findings}
            columns={columns}
            caption="Findings matching the filters"
            sorting={sorting}
            onSortingChange={onSort}
            rowKey={(f) => f.id}
          />
        )}
        <nav className="pager" aria-label="Pages">
          <button
            type="button"
            disabled={cursors.length === 0}
            onClick={() =>
              go(cursors.length > 1 ? { cursors: cursors.slice(0, -1) } : { cursors: undefined as never })
            }
          >
            Previous
          </button>
          <button
            type="button"
            disabled={!q.data?.nextToken || q.isPlaceholderData}
            onClick={() => q.data?.nextToken && go({ cursors: [...cursors, q.data.nextToken] })}
          >
            Next
          </button>
        </nav>
      </section>
    </div>
  );
}

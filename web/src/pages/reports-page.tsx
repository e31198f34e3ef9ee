import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { ReportStatus } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { Empty, QueryView } from '../components/query-state.js';
import { chipsOf } from '../lib/filter-criteria.js';
import { fmtBytes, fmtDateTime } from '../lib/format.js';
import { ReportProgress } from './findings-export.js';

function ReportRows({ reports }: { reports: ReportStatus[] }): ReactNode {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="reports-table">
        <caption className="visually-hidden">Reports, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Kind</th>
            <th scope="col">Format</th>
            <th scope="col">Status</th>
            <th scope="col">Size</th>
            <th scope="col">Filter</th>
            <th scope="col">Download</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <tr key={r.reportId}>
              <td data-label="Created">{fmtDateTime(r.createdAt)}</td>
              <td data-label="Kind">{r.kind}</td>
              <td data-label="Format">{r.format}</td>
              <td data-label="Status">
                {r.status}
                {r.error ? <span className="form-error"> {r.error.message}</span> : null}
              </td>
              <td data-label="Size">{fmtBytes(r.size)}</td>
              <td data-label="Filter">
                {r.filter
                  ? chipsOf(r.filter)
                      .map((c) => c.label)
                      .join(', ') || 'all'
                  : '—'}
              </td>
              <td data-label="Download">
                {r.status === 'SUCCEEDED' ? (
                  <a href={`/v1/reports/${encodeURIComponent(r.reportId)}/content`} download>
                    Download
                  </a>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Reports: the recent ones the key may see, and any report by id with its status until it is ready. */
export function ReportsPage(): ReactNode {
  const search = useSearch({ from: '/app/reports' });
  const navigate = useNavigate({ from: '/reports' });
  const id = useId();
  const [lookup, setLookup] = useState(search.id ?? '');
  const q = useQuery({
    queryKey: ['reports'],
    queryFn: () =>
      apiJson<{ reports: ReportStatus[] }>('/v1/reports', { query: { maxResults: 50 } }).then(
        (r) => r.reports,
      ),
    retry: false,
    refetchInterval: (s) =>
      s.state.data?.some((r) => r.status === 'QUEUED' || r.status === 'RUNNING') ? 1000 : false,
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void navigate({ search: lookup.trim() ? { id: lookup.trim() } : {} });
  };
  return (
    <div className="page">
      <h1>Reports</h1>
      <form className="toolbar card" onSubmit={submit}>
        <label htmlFor={`${id}-id`}>Report id</label>
        <input id={`${id}-id`} value={lookup} onChange={(e) => setLookup(e.target.value)} />
        <button type="submit">Show</button>
        {search.id ? <ReportProgress key={search.id} reportId={search.id} /> : null}
      </form>
      <section className="card" aria-label="Recent reports">
        <QueryView query={q} what="reports" unavailableOn404="The list of reports">
          {(reports) =>
            reports.length ? (
              <ReportRows reports={reports} />
            ) : (
              <Empty>No report yet: export from the findings explorer.</Empty>
            )
          }
        </QueryView>
      </section>
    </div>
  );
}

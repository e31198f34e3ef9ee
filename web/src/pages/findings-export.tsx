import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { FilterCriteria } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { reportQuery } from '../api/queries.js';
import { fmtBytes } from '../lib/format.js';

/** Follows one report from QUEUED to SUCCEEDED (download link) or FAILED (the server's message). */
export function ReportProgress({ reportId }: { reportId: string }): ReactNode {
  const q = useQuery(reportQuery(reportId));
  if (q.isError)
    return (
      <p role="alert" className="form-error">
        {q.error.message}
      </p>
    );
  const r = q.data;
  return (
    <p className="report-progress" role="status" aria-live="polite" data-testid="report-status">
      Report <code>{reportId.slice(0, 8)}</code>:{' '}
      <strong data-testid="report-state">{r?.status ?? 'QUEUED'}</strong>
      {r?.status === 'SUCCEEDED' ? (
        <>
          {' '}
          · {fmtBytes(r.size)} ·{' '}
          <a
            href={`/v1/reports/${encodeURIComponent(reportId)}/content`}
            download
            data-testid="report-download"
          >
            Download {r.format}
          </a>
        </>
      ) : null}
      {r?.status === 'FAILED' && r.error ? <span className="form-error"> {r.error.message}</span> : null}
    </p>
  );
}

/** "Export CSV/JSON": POST /v1/reports with the current filter, then its status until it is ready. */
export function ExportPanel({ filter }: { filter: FilterCriteria }): ReactNode {
  const [reportId, setReportId] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: (format: 'CSV' | 'JSON') =>
      apiJson<{ reportId: string }>('/v1/reports', { method: 'POST', body: { format, filter } }),
    onSuccess: (r) => setReportId(r.reportId),
  });
  return (
    <div className="export">
      <button type="button" onClick={() => create.mutate('CSV')} disabled={create.isPending}>
        Export CSV
      </button>
      <button type="button" onClick={() => create.mutate('JSON')} disabled={create.isPending}>
        Export JSON
      </button>
      {create.isError ? (
        <p role="alert" className="form-error">
          {create.error.message}
        </p>
      ) : null}
      {reportId ? <ReportProgress key={reportId} reportId={reportId} /> : null}
    </div>
  );
}

import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useId, useState, type ReactNode } from 'react';
import type { InventoryPackage, Resource } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { aggregationQuery, findingsQuery } from '../api/queries.js';
import { canWrite } from '../api/session-api.js';
import { useSession } from '../app/shell.js';
import { TagList } from '../components/account-picker.js';
import { Empty, QueryView } from '../components/query-state.js';
import { SeverityBadge } from '../components/severity-badge.js';
import { eq } from '../lib/filter-criteria.js';
import { fmtDateTime, fmtInt } from '../lib/format.js';
import { lastScanOf, osOf } from '../lib/resource-facts.js';
import { totals } from './dashboard-page.js';
import { ReportProgress } from './findings-export.js';

const resourcePath = (a: string, r: string) =>
  `/v1/accounts/${encodeURIComponent(a)}/resources/${encodeURIComponent(r)}`;

function Inventory({ accountId, resourceId }: { accountId: string; resourceId: string }): ReactNode {
  const id = useId();
  const [text, setText] = useState('');
  const [tokens, setTokens] = useState<string[]>([]);
  const token = tokens[tokens.length - 1];
  const q = useQuery({
    queryKey: ['inventory', accountId, resourceId, text, token],
    queryFn: () =>
      apiJson<{ packages: InventoryPackage[]; total: number; nextToken?: string }>(
        `${resourcePath(accountId, resourceId)}/packages`,
        {
          query: { search: text || undefined, maxResults: 50, nextToken: token },
        },
      ),
    placeholderData: keepPreviousData,
    retry: false,
  });
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Inventory</h2>
      <label htmlFor={`${id}-s`}>Search packages</label>{' '}
      <input
        id={`${id}-s`}
        type="search"
        value={text}
        onChange={(e) => {
          setTokens([]);
          setText(e.target.value);
        }}
      />
      <QueryView query={q} what="the inventory" unavailableOn404="The stored inventory">
        {(r) =>
          r.packages.length === 0 ? (
            <Empty>{text ? 'No package matches.' : 'No stored inventory.'}</Empty>
          ) : (
            <>
              <p className="muted">
                {fmtInt(r.total)} packages{text ? ' match' : ''}
              </p>
              <div className="table-scroll">
                <table className="compact-table" data-testid="inventory-table">
                  <caption className="visually-hidden">Packages of {resourceId}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Version</th>
                      <th scope="col">Ecosystem</th>
                      <th scope="col">File</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.packages.map((p) => (
                      <tr key={`${p.purl}-${p.filePath ?? ''}`}>
                        <td>
                          {p.name}
                          {p.sourceName && p.sourceName !== p.name ? (
                            <span className="muted small"> (source {p.sourceName})</span>
                          ) : null}
                        </td>
                        <td>
                          <code>{p.version}</code>
                        </td>
                        <td>{p.ecosystem}</td>
                        <td>
                          <code className="wrap">{p.filePath ?? '—'}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav className="pager" aria-label="Inventory pages">
                <button
                  type="button"
                  disabled={!tokens.length}
                  onClick={() => setTokens((t) => t.slice(0, -1))}
                >
                  Previous
                </button>
                <button
                  type="button"
                  disabled={!r.nextToken}
                  onClick={() => r.nextToken && setTokens((t) => [...t, r.nextToken as string])}
                >
                  Next
                </button>
              </nav>
            </>
          )
        }
      </QueryView>
    </section>
  );
}

function ResourceFindings({ accountId, resourceId }: { accountId: string; resourceId: string }): ReactNode {
  const filter = { accountId: [eq(accountId)], resourceId: [eq(resourceId)], findingStatus: [eq('ACTIVE')] };
  const q = useQuery(findingsQuery({ filter, maxResults: 20, sortBy: 'inspectorScore', sortOrder: 'DESC' }));
  const counts = useQuery(aggregationQuery({ groupBy: 'SEVERITY', filter }));
  return (
    <section className="card" aria-labelledby="rf-h">
      <h2 id="rf-h">Active findings</h2>
      {counts.data ? (
        <p>
          <strong data-testid="resource-finding-count">{fmtInt(totals(counts.data).all)}</strong> active ·{' '}
          {fmtInt(totals(counts.data).critical)} critical · {fmtInt(totals(counts.data).high)} high ·{' '}
          <Link to="/findings" search={{ filter, sortBy: 'inspectorScore', sortOrder: 'DESC' }}>
            open in the explorer
          </Link>
        </p>
      ) : null}
      <QueryView query={q} what="findings">
        {(page) =>
          page.findings.length === 0 ? (
            <Empty>No active finding.</Empty>
          ) : (
            <ul className="finding-list">
              {page.findings.map((f) => (
                <li key={f.id}>
                  <SeverityBadge severity={f.severity} />{' '}
                  <Link to="/findings/$findingId" params={{ findingId: f.id }}>
                    {f.title}
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </section>
  );
}

function SbomExport({ accountId, resourceId }: { accountId: string; resourceId: string }): ReactNode {
  const [reportId, setReportId] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: (format: 'CYCLONEDX_1_5' | 'SPDX_2_3') =>
      apiJson<{ reportId: string }>('/v1/reports/sbom', {
        method: 'POST',
        body: { format, resourceFilter: { accountId: [eq(accountId)], resourceId: [eq(resourceId)] } },
      }),
    onSuccess: (r) => setReportId(r.reportId),
  });
  return (
    <div className="export">
      <button type="button" onClick={() => create.mutate('CYCLONEDX_1_5')}>
        SBOM (CycloneDX 1.5)
      </button>
      <button type="button" onClick={() => create.mutate('SPDX_2_3')}>
        SBOM (SPDX 2.3)
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

/** One resource: facts, tags, its active findings, its stored inventory (searchable), its SBOM. */
export function ResourceDetailPage(): ReactNode {
  const { accountId, resourceId } = useParams({ from: '/app/accounts/$accountId/resources/$resourceId' });
  const { principal } = useSession();
  const q = useQuery({
    queryKey: ['resource', accountId, resourceId],
    queryFn: () => apiJson<Resource>(resourcePath(accountId, resourceId)),
  });
  return (
    <div className="page">
      <p className="breadcrumb">
        <Link to="/resources" search={{ account: accountId }}>
          Resources
        </Link>{' '}
        /
      </p>
      <QueryView query={q} what="the resource">
        {(r) => (
          <>
            <h1 className="truncate">{r.id}</h1>
            <section className="card" aria-label="Facts">
              <dl className="facts">
                <dt>Type</dt>
                <dd>{r.type}</dd>
                <dt>Account</dt>
                <dd>{r.accountId}</dd>
                {typeof r.details['hostname'] === 'string' ? (
                  <>
                    <dt>Host name</dt>
                    <dd>{r.details['hostname']}</dd>
                  </>
                ) : null}
                {typeof r.details['repositoryName'] === 'string' ? (
                  <>
                    <dt>Repository</dt>
                    <dd>{r.details['repositoryName']}</dd>
                  </>
                ) : null}
                <dt>OS / platform</dt>
                <dd>{osOf(r)}</dd>
                <dt>Last scan</dt>
                <dd>{fmtDateTime(lastScanOf(r) ?? r.updatedAt)}</dd>
                <dt>Registered</dt>
                <dd>{fmtDateTime(r.createdAt)}</dd>
                <dt>Tags</dt>
                <dd data-testid="resource-tags">
                  <TagList tags={r.tags} />
                </dd>
              </dl>
              {canWrite(principal) ? <SbomExport accountId={accountId} resourceId={resourceId} /> : null}
            </section>
            <ResourceFindings accountId={accountId} resourceId={resourceId} />
            <Inventory accountId={accountId} resourceId={resourceId} />
          </>
        )}
      </QueryView>
    </div>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Finding } from '../api/api-types.js';
import { apiJson } from '../api/http-client.js';
import { findingQuery } from '../api/queries.js';
import { QueryView } from '../components/query-state.js';
import { SeverityBadge, StatusBadge } from '../components/severity-badge.js';
import { safeHref } from '../lib/cvss-vector.js';
import { fmtDateTime } from '../lib/format.js';
import { ScoreExplanation } from './finding-score.js';
import { NetworkPath } from './finding-network-path.js';

function Packages({ f }: { f: Finding }): ReactNode {
  const pkgs = f.packageVulnerabilityDetails?.vulnerablePackages ?? [];
  if (!pkgs.length) return null;
  return (
    <section className="card" aria-labelledby="pkg-h">
      <h2 id="pkg-h">Vulnerable packages</h2>
      <div className="table-scroll">
        <table className="data-table" data-testid="vulnerable-packages">
          <caption className="visually-hidden">Vulnerable packages with installed and fixed versions</caption>
          <thead>
            <tr>
              <th scope="col">Package</th>
              <th scope="col">Installed</th>
              <th scope="col">Fixed in</th>
              <th scope="col">Remediation</th>
              <th scope="col">File</th>
              <th scope="col">Layer</th>
            </tr>
          </thead>
          <tbody>
            {pkgs.map((p) => (
              <tr key={`${p.name}-${p.filePath}`}>
                <td data-label="Package">
                  {p.name}{' '}
                  <span className="muted small">
                    ({p.packageManager}
                    {p.sourceName && p.sourceName !== p.name ? `, source ${p.sourceName}` : ''})
                  </span>
                </td>
                <td data-label="Installed">
                  <code>{p.version}</code>
                </td>
                <td data-label="Fixed in">
                  <code>{p.fixedInVersion}</code>
                </td>
                <td data-label="Remediation">
                  <code className="wrap">{p.remediation}</code>
                </td>
                <td data-label="File">
                  <code className="wrap">{p.filePath}</code>
                </td>
                <td data-label="Layer">
                  <code className="wrap">{p.layerDigest ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function MatchReasons({ f }: { f: Finding }): ReactNode {
  const matches = f.packageVulnerabilityDetails?.matches ?? [];
  return (
    <section className="card" aria-labelledby="match-h">
      <h2 id="match-h">Why vigil believes it</h2>
      {matches.length === 0 ? (
        <p className="muted">No match record is stored with this finding.</p>
      ) : (
        <ul className="match-list" data-testid="match-reasons">
          {matches.map((m, i) => (
            <li key={i}>
              Record <strong>{m.recordId}</strong> ({m.source}) for <code>{m.packageName}</code> in{' '}
              <code>{m.ecosystem}</code> says <strong>{m.state}</strong> via {m.via}: version{' '}
              <code>{m.comparedVersion}</code> compared with the {m.scheme} scheme
              {m.range ? (
                <>
                  {' '}
                  in range <code>{JSON.stringify(m.range)}</code>
                </>
              ) : null}
              {m.fixedVersion ? (
                <>
                  , fixed in <code>{m.fixedVersion}</code>
                </>
              ) : null}
              {m.deferredTo?.length ? <> (listed beside {m.deferredTo.join(', ')}, which decide)</> : null}.
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function References({ f }: { f: Finding }): ReactNode {
  const d = f.packageVulnerabilityDetails;
  if (!d) return null;
  const sourceHref = d.sourceUrl ? safeHref(d.sourceUrl) : undefined;
  return (
    <section className="card" aria-labelledby="ref-h">
      <h2 id="ref-h">Related vulnerabilities and references</h2>
      <p>
        Related: {d.relatedVulnerabilities.length ? d.relatedVulnerabilities.join(', ') : 'none'}
        {d.cwes.length ? <> · Weaknesses: {d.cwes.join(', ')}</> : null}
      </p>
      {sourceHref ? (
        <p>
          Source:{' '}
          <a href={sourceHref} target="_blank" rel="noopener noreferrer">
            {d.source}
          </a>
        </p>
      ) : null}
      <ul className="refs">
        {d.referenceUrls.map((u) => {
          const href = safeHref(u);
          return (
            <li key={u}>
              {href ? (
                <a href={href} target="_blank" rel="noopener noreferrer">
                  {u}
                </a>
              ) : (
                u
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

interface HistoryEntry {
  at: string;
  status: string;
  event: string;
}

function History({ id }: { id: string }): ReactNode {
  const q = useQuery({
    queryKey: ['finding-history', id],
    queryFn: () => apiJson<{ history: HistoryEntry[] }>(`/v1/findings/${encodeURIComponent(id)}/history`),
    retry: false,
  });
  return (
    <QueryView query={q} what="the status history" unavailableOn404="The status history">
      {(r) =>
        r.history.length ? (
          <ol className="history" data-testid="status-history">
            {r.history.map((h, i) => (
              <li key={i}>
                {fmtDateTime(h.at)}: <StatusBadge status={h.status} />{' '}
                <span className="muted">({h.event})</span>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">No change recorded.</p>
        )
      }
    </QueryView>
  );
}

function Timeline({ f }: { f: Finding }): ReactNode {
  const r = f.resources[0];
  return (
    <section className="card" aria-labelledby="time-h">
      <h2 id="time-h">Where and when</h2>
      <dl className="facts">
        <dt>Resource</dt>
        <dd>
          {r ? (
            <Link
              to="/accounts/$accountId/resources/$resourceId"
              params={{ accountId: f.accountId, resourceId: r.id }}
            >
              {r.id}
            </Link>
          ) : (
            '—'
          )}{' '}
          <span className="muted">{r?.type}</span>
        </dd>
        <dt>Account</dt>
        <dd>{f.accountId}</dd>
        <dt>First seen</dt>
        <dd data-testid="first-seen">{fmtDateTime(f.firstObservedAt)}</dd>
        <dt>Last seen</dt>
        <dd data-testid="last-seen">{fmtDateTime(f.lastObservedAt)}</dd>
        <dt>Updated</dt>
        <dd>{fmtDateTime(f.updatedAt)}</dd>
        {f.closedAt ? (
          <>
            <dt>Closed</dt>
            <dd>{fmtDateTime(f.closedAt)}</dd>
          </>
        ) : null}
        {f.suppressedBy ? (
          <>
            <dt>Suppressed by</dt>
            <dd>
              <Link to="/suppression-rules" search={{ account: f.accountId }}>
                rule {f.suppressedBy}
              </Link>
            </dd>
          </>
        ) : null}
      </dl>
      <h3>Status history</h3>
      <History id={f.id} />
    </section>
  );
}

/** One finding: what it is, why it scores what it does, where it is, how to fix it, why vigil believes it. */
export function FindingDetailPage(): ReactNode {
  const { findingId } = useParams({ from: '/app/findings/$findingId' });
  const q = useQuery(findingQuery(findingId));
  return (
    <div className="page">
      <p className="breadcrumb">
        <Link to="/findings" search={{ filter: {} }}>
          Findings
        </Link>{' '}
        /
      </p>
      <QueryView query={q} what="the finding">
        {(f) => (
          <>
            <h1 className="finding-title">
              <SeverityBadge severity={f.severity} /> {f.title}
            </h1>
            <p>
              <StatusBadge status={f.status} /> <span className="muted">{f.type}</span> · fix available:{' '}
              {f.fixAvailable}
            </p>
            {f.description ? <p className="description">{f.description}</p> : null}
            <section className="card" aria-labelledby="rem-h">
              <h2 id="rem-h">Remediation</h2>
              <p data-testid="remediation">{f.remediation.recommendation.text}</p>
            </section>
            <div className="grid-2 align-start">
              <ScoreExplanation finding={f} />
              <Timeline f={f} />
            </div>
            <NetworkPath f={f} />
            <Packages f={f} />
            <MatchReasons f={f} />
            <References f={f} />
          </>
        )}
      </QueryView>
    </div>
  );
}

import type { ReactNode } from 'react';
import type { CvssEntry, Finding } from '../api/api-types.js';
import { explainVector } from '../lib/cvss-vector.js';
import { fmtDate, fmtFraction, fmtPercent, fmtScore } from '../lib/format.js';

const isNvd = (e: CvssEntry): boolean => e.source.toLowerCase().includes('nvd');

/**
 * The vendor's score: the entry of the feed whose record decided the finding (osv-debian, ghsa, …),
 * else any entry that is not a generic scorer (NVD, a CNA, CISA-ADP, plain osv.dev).
 */
function vendorEntry(entries: readonly CvssEntry[], deciding: string | undefined): CvssEntry | undefined {
  const generic = (e: CvssEntry): boolean =>
    /nvd|cna|adp/i.test(e.source) || e.source.toLowerCase() === 'osv';
  return entries.find((e) => e.source === deciding) ?? entries.find((e) => !generic(e));
}

/** Score explanation: what the score is made of, so a reader can see why it is what it is. */
export function ScoreExplanation({ finding }: { finding: Finding }): ReactNode {
  const d = finding.scoreDetails;
  const cvss = finding.packageVulnerabilityDetails?.cvss ?? [];
  const nvd = cvss.find(isNvd);
  const vendor = vendorEntry(cvss, finding.packageVulnerabilityDetails?.source);
  return (
    <section className="card" aria-labelledby="score-h" data-testid="score-explanation">
      <h2 id="score-h">Score explained</h2>
      <dl className="facts">
        <dt>Score</dt>
        <dd data-testid="score-value">
          <strong>{fmtScore(finding.inspectorScore ?? finding.score)}</strong> (
          {finding.severity.toLowerCase()})
        </dd>
        <dt>Base score</dt>
        <dd>
          {d
            ? `${fmtScore(d.baseScore)} (CVSS ${d.cvssVersion ?? ''})`
            : 'No CVSS score: the severity is the vendor’s own.'}
        </dd>
        <dt>Selected source</dt>
        <dd data-testid="score-source">{d?.source ?? '—'}</dd>
        <dt>Vector</dt>
        <dd>
          <code data-testid="score-vector">{d?.baseVector ?? '—'}</code>
        </dd>
        <dt>Vendor score</dt>
        <dd>
          {vendor ? `${fmtScore(vendor.baseScore)} (${vendor.source}, CVSS ${vendor.version})` : 'none given'}
        </dd>
        <dt>NVD score</dt>
        <dd>{nvd ? `${fmtScore(nvd.baseScore)} (CVSS ${nvd.version})` : 'none given'}</dd>
        <dt>Vendor severity</dt>
        <dd>{finding.packageVulnerabilityDetails?.vendorSeverity ?? '—'}</dd>
        <dt>EPSS</dt>
        <dd data-testid="score-epss">
          {finding.epss
            ? `${fmtFraction(finding.epss.score)} (percentile ${fmtPercent(finding.epss.percentile)})`
            : 'no EPSS score'}
        </dd>
        <dt>Known exploited (KEV)</dt>
        <dd data-testid="score-kev">
          {finding.exploitAvailable === 'YES'
            ? `Yes${finding.exploitabilityDetails ? `, in CISA KEV since ${fmtDate(finding.exploitabilityDetails.kevDateAdded)}${finding.exploitabilityDetails.kevDueDate ? `, due ${fmtDate(finding.exploitabilityDetails.kevDueDate)}` : ''}` : ''}`
            : 'No'}
        </dd>
      </dl>
      {d ? (
        <>
          <h3>Vector in words</h3>
          <ul className="vector-parts">
            {explainVector(d.baseVector).map((p) => (
              <li key={p.metric}>
                <span className="muted">{p.name}:</span> {p.value}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>Adjustments</h3>
      {d?.contextDetail ? (
        <p data-testid="score-context">
          {d.adjustments.length ? `Base ${fmtScore(d.baseScore)} → ${fmtScore(finding.score)}: ` : ''}
          {d.contextDetail}
        </p>
      ) : null}
      {d && d.adjustments.length ? (
        <>
          <ul data-testid="score-adjustments">
            {d.adjustments.map((a, i) => (
              <li key={i}>
                <strong>{a.metric}</strong>: {a.reason}
              </li>
            ))}
          </ul>
          {d.adjustedVector ? (
            <p>
              Scored with{' '}
              <code className="wrap" data-testid="score-adjusted-vector">
                {d.adjustedVector}
              </code>
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted" data-testid="score-adjustments">
          None: the score is the base score (contextual adjustments, such as network reachability, are listed
          here when they apply).
        </p>
      )}
      {cvss.length ? (
        <>
          <h3>Every CVSS score known</h3>
          <table className="compact-table">
            <caption className="visually-hidden">CVSS entries by source</caption>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Version</th>
                <th scope="col" className="num">
                  Score
                </th>
                <th scope="col">Vector</th>
              </tr>
            </thead>
            <tbody>
              {cvss.map((e) => (
                <tr
                  key={`${e.source}-${e.vector}`}
                  className={d && e.vector === d.baseVector && e.source === d.source ? 'selected' : undefined}
                >
                  <td>
                    {e.source}
                    {d && e.vector === d.baseVector && e.source === d.source ? ' (selected)' : ''}
                  </td>
                  <td>{e.version}</td>
                  <td className="num">{fmtScore(e.baseScore)}</td>
                  <td>
                    <code className="wrap">{e.vector}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

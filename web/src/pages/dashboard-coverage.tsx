import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { CoverageStatistics } from '../api/api-types.js';
import { coverageStatsQuery } from '../api/queries.js';
import { QueryView } from '../components/query-state.js';
import { barOptions, UplotChart } from '../components/uplot-chart.js';
import { fmtInt } from '../lib/format.js';

const reasonBars = (cats: string[]) => barOptions(cats, 'Resources not scanning', '--chart-2');
const INACTIVE = { scanStatusCode: [{ comparison: 'EQUALS', value: 'INACTIVE' }] };
const ACTIVE = { scanStatusCode: [{ comparison: 'EQUALS', value: 'ACTIVE' }] };

const countOf = (s: CoverageStatistics, key: string): number =>
  s.countsByGroup.find((g) => g.groupKey === key)?.count ?? 0;

function ByType({
  all,
  scanning,
}: {
  all: CoverageStatistics;
  scanning: CoverageStatistics | undefined;
}): ReactNode {
  return (
    <table className="compact-table" data-testid="coverage-by-type">
      <caption>Per resource type</caption>
      <thead>
        <tr>
          <th scope="col">Type</th>
          <th scope="col" className="num">
            Scanning
          </th>
          <th scope="col" className="num">
            Not scanning
          </th>
        </tr>
      </thead>
      <tbody>
        {all.countsByGroup.map((g) => {
          const on = scanning ? countOf(scanning, g.groupKey) : 0;
          return (
            <tr key={g.groupKey}>
              <td>{g.groupKey}</td>
              <td className="num">{fmtInt(on)}</td>
              <td className="num">{fmtInt(g.count - on)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * Coverage (issue 12): Scanning / Not scanning by reason and per resource type. Until the server has
 * the coverage routes they answer 404, and the panel says so instead of showing zeros.
 */
export function CoveragePanel(): ReactNode {
  const byCode = useQuery(coverageStatsQuery('SCAN_STATUS_CODE'));
  const available = byCode.isSuccess;
  const byReason = useQuery({ ...coverageStatsQuery('SCAN_STATUS_REASON', INACTIVE), enabled: available });
  const byType = useQuery({ ...coverageStatsQuery('RESOURCE_TYPE'), enabled: available });
  const byTypeOn = useQuery({ ...coverageStatsQuery('RESOURCE_TYPE', ACTIVE), enabled: available });
  return (
    <section className="card" aria-labelledby="coverage-heading">
      <h2 id="coverage-heading">Coverage</h2>
      <QueryView query={byCode} what="coverage" unavailableOn404="Coverage">
        {(codes) => (
          <div className="coverage">
            <ul className="tiles" aria-label="Resources by scan status">
              <li className="tile">
                <span className="tile-value" data-testid="coverage-scanning">
                  {fmtInt(countOf(codes, 'ACTIVE'))}
                </span>
                <span className="tile-label">Scanning</span>
              </li>
              <li className="tile">
                <span className="tile-value" data-testid="coverage-not-scanning">
                  {fmtInt(countOf(codes, 'INACTIVE'))}
                </span>
                <span className="tile-label">Not scanning</span>
              </li>
            </ul>
            <QueryView query={byReason} what="reasons">
              {(reasons) =>
                reasons.countsByGroup.length ? (
                  <UplotChart
                    label={`Not scanning by reason: ${reasons.countsByGroup.map((g) => `${g.groupKey} ${g.count}`).join(', ')}`}
                    data={[reasons.countsByGroup.map((_, i) => i), reasons.countsByGroup.map((g) => g.count)]}
                    options={reasonBars(reasons.countsByGroup.map((g) => g.groupKey))}
                    height={180}
                  />
                ) : (
                  <p className="state state-empty">Every resource is scanning.</p>
                )
              }
            </QueryView>
            <QueryView query={byType} what="coverage by type">
              {(all) => <ByType all={all} scanning={byTypeOn.data} />}
            </QueryView>
          </div>
        )}
      </QueryView>
    </section>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import {
  SEVERITIES,
  type AggregationPage,
  type FilterCriteria,
  type Severity,
  type SeverityCounts,
} from '../api/api-types.js';
import { aggregationQuery } from '../api/queries.js';
import { QueryView } from '../components/query-state.js';
import { severityLabel } from '../components/severity-badge.js';
import { barOptions, UplotChart } from '../components/uplot-chart.js';
import { fmtInt } from '../lib/format.js';
import { eq } from '../lib/filter-criteria.js';
import { CoveragePanel } from './dashboard-coverage.js';
import { TrendPanel } from './dashboard-trend.js';

const SEV_KEY: Record<Severity, keyof SeverityCounts> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
  INFORMATIONAL: 'informational',
  UNTRIAGED: 'untriaged',
};

/** Sums the severity counts of every group (grouped by SEVERITY there is one group per severity). */
export function totals(page: AggregationPage): SeverityCounts {
  const t: SeverityCounts = {
    all: 0,
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
    informational: 0,
    untriaged: 0,
  };
  for (const g of page.groups)
    for (const k of Object.keys(t) as Array<keyof SeverityCounts>) t[k] += g.severityCounts[k];
  return t;
}

const ACTIVE: FilterCriteria = { findingStatus: [eq('ACTIVE')] };

function SeverityTiles({ counts }: { counts: SeverityCounts }): ReactNode {
  return (
    <ul className="tiles" aria-label="Active findings by severity">
      {SEVERITIES.map((s) => (
        <li key={s} className={`tile sev-edge-${s.toLowerCase()}`}>
          <Link to="/findings" search={{ filter: { ...ACTIVE, severity: [eq(s)] } }}>
            <span className="tile-value" data-testid={`active-${s}`}>
              {fmtInt(counts[SEV_KEY[s]])}
            </span>
            <span className="tile-label">{severityLabel(s)}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function Stat({
  label,
  value,
  testId,
  filter,
}: {
  label: string;
  value: number;
  testId: string;
  filter: FilterCriteria;
}): ReactNode {
  return (
    <Link className="stat card" to="/findings" search={{ filter }}>
      <span className="stat-value" data-testid={testId}>
        {fmtInt(value)}
      </span>
      <span className="stat-label">{label}</span>
    </Link>
  );
}

const TOP = [
  {
    groupBy: 'RESOURCE',
    title: 'Top resources',
    key: (k: Record<string, string>) => k['resourceId'] ?? '',
    field: 'resourceId',
  },
  {
    groupBy: 'PACKAGE',
    title: 'Top packages',
    key: (k: Record<string, string>) => k['packageName'] ?? '',
    field: 'packageName',
  },
  {
    groupBy: 'VULNERABILITY',
    title: 'Top vulnerabilities',
    key: (k: Record<string, string>) => k['vulnerabilityId'] ?? '',
    field: 'vulnerabilityId',
  },
] as const;

function TopList({ spec }: { spec: (typeof TOP)[number] }): ReactNode {
  const q = useQuery(aggregationQuery({ groupBy: spec.groupBy, sortBy: 'CRITICAL', maxResults: 10 }));
  const id = `top-${spec.groupBy.toLowerCase()}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{spec.title}</h2>
      <QueryView query={q} what={spec.title.toLowerCase()}>
        {(page) =>
          page.groups.length === 0 ? (
            <p className="state state-empty">No active findings.</p>
          ) : (
            <table className="compact-table" data-testid={id}>
              <caption className="visually-hidden">
                {spec.title} by critical, then all active findings
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="num">
                    Critical
                  </th>
                  <th scope="col" className="num">
                    High
                  </th>
                  <th scope="col" className="num">
                    All
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.groups.map((g) => {
                  const name = spec.key(g.key);
                  const filter: FilterCriteria = { ...ACTIVE, [spec.field]: [eq(name)] };
                  if (spec.groupBy === 'RESOURCE' && g.key['accountId'])
                    filter.accountId = [eq(g.key['accountId'])];
                  return (
                    <tr key={JSON.stringify(g.key)}>
                      <td className="truncate">
                        <Link to="/findings" search={{ filter }}>
                          {name}
                        </Link>
                      </td>
                      <td className="num">{fmtInt(g.severityCounts.critical)}</td>
                      <td className="num">{fmtInt(g.severityCounts.high)}</td>
                      <td className="num">{fmtInt(g.severityCounts.all)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </section>
  );
}

const SEVERITY_CATEGORIES = SEVERITIES.map(severityLabel);
const severityBars = barOptions(SEVERITY_CATEGORIES, 'Active findings', '--chart-1');

export function DashboardPage(): ReactNode {
  const bySeverity = useQuery(aggregationQuery({ groupBy: 'SEVERITY' }));
  const kev = useQuery(aggregationQuery({ groupBy: 'SEVERITY', filter: { exploitAvailable: [eq('YES')] } }));
  const fix = useQuery(aggregationQuery({ groupBy: 'SEVERITY', filter: { fixAvailable: [eq('YES')] } }));
  return (
    <div className="page">
      <h1>Dashboard</h1>
      <CoveragePanel />
      <section className="card" aria-labelledby="sev-heading">
        <h2 id="sev-heading">Active findings by severity</h2>
        <QueryView query={bySeverity} what="findings by severity">
          {(page) => {
            const t = totals(page);
            return (
              <>
                <p className="lead">
                  <span data-testid="active-total">{fmtInt(t.all)}</span> active findings
                </p>
                <SeverityTiles counts={t} />
                <UplotChart
                  label={`Bar chart of active findings by severity: ${SEVERITIES.map((s) => `${severityLabel(s)} ${t[SEV_KEY[s]]}`).join(', ')}`}
                  data={[SEVERITIES.map((_, i) => i), SEVERITIES.map((s) => t[SEV_KEY[s]])]}
                  options={severityBars}
                  height={180}
                />
              </>
            );
          }}
        </QueryView>
      </section>
      <div className="grid-2">
        <QueryView query={kev} what="exploited findings">
          {(page) => {
            const t = totals(page);
            return (
              <Stat
                label={`critical and known exploited (KEV) · ${fmtInt(t.all)} exploited in all`}
                value={t.critical}
                testId="kev-critical"
                filter={{ ...ACTIVE, severity: [eq('CRITICAL')], exploitAvailable: [eq('YES')] }}
              />
            );
          }}
        </QueryView>
        <QueryView query={fix} what="findings with a fix">
          {(page) => (
            <Stat
              label="active findings with a fix available"
              value={totals(page).all}
              testId="fix-available"
              filter={{ ...ACTIVE, fixAvailable: [eq('YES')] }}
            />
          )}
        </QueryView>
      </div>
      <TrendPanel />
      <div className="grid-3">
        {TOP.map((spec) => (
          <TopList key={spec.groupBy} spec={spec} />
        ))}
      </div>
    </div>
  );
}

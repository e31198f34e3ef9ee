import { useQuery } from '@tanstack/react-query';
import { useMemo, type ReactNode } from 'react';
import type { AlignedData, Options } from 'uplot';
import { SEVERITIES, type TrendPoint } from '../api/api-types.js';
import { trendQuery } from '../api/queries.js';
import { QueryView } from '../components/query-state.js';
import { severityLabel } from '../components/severity-badge.js';
import { cssVar, UplotChart } from '../components/uplot-chart.js';
import { fmtDay, fmtInt } from '../lib/format.js';

const KEYS = ['critical', 'high', 'medium', 'low', 'informational', 'untriaged'] as const;

const DAY_S = 86_400;

/** The x range is always the whole window, so one day of data is a point at the right, not a year. */
function trendOptions(days: number): (width: number) => Omit<Options, 'width' | 'height'> {
  const end = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S;
  return () => ({
    legend: { show: true },
    scales: {
      x: { time: true, range: [end - (days - 1) * DAY_S, end] },
      y: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil(max * 1.1))] },
    },
    axes: [
      { stroke: cssVar('--fg-muted'), grid: { stroke: cssVar('--border') } },
      {
        stroke: cssVar('--fg-muted'),
        grid: { stroke: cssVar('--border') },
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000],
        values: (_u, splits) => splits.map((v) => fmtInt(v)),
      },
    ],
    series: [
      {},
      ...KEYS.map((k, i) => ({
        label: severityLabel(SEVERITIES[i] ?? 'UNTRIAGED'),
        stroke: cssVar(`--sev-${k}`),
        width: 2,
        points: { show: true, size: 6 },
        value: (_u: unknown, v: number | null) => (v == null ? '—' : fmtInt(v)),
      })),
    ],
  });
}

function TrendChart({ days }: { days: TrendPoint[] }): ReactNode {
  const data = useMemo<AlignedData>(
    () => [
      days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000),
      ...KEYS.map((k) => days.map((d) => d.counts[k])),
    ],
    [days],
  );
  const options = useMemo(() => trendOptions(30), []);
  const last = days[days.length - 1];
  return (
    <>
      <UplotChart
        label={`Open findings by severity per day over the last ${days.length} days${last ? `; on ${fmtDay(last.day)}: ${KEYS.map((k) => `${k} ${last.counts[k]}`).join(', ')}` : ''}`}
        data={data}
        options={options}
      />
      <details>
        <summary>Daily counts as a table</summary>
        <table className="compact-table">
          <caption className="visually-hidden">Open findings per day by severity</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {KEYS.map((k, i) => (
                <th key={k} scope="col" className="num">
                  {severityLabel(SEVERITIES[i] ?? 'UNTRIAGED')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <td>{fmtDay(d.day)}</td>
                {KEYS.map((k) => (
                  <td key={k} className="num">
                    {fmtInt(d.counts[k])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

/** The 30-day trend of open findings by severity (one row per account per day, kept by the server). */
export function TrendPanel(): ReactNode {
  const q = useQuery(trendQuery(30));
  return (
    <section className="card" aria-labelledby="trend-heading">
      <h2 id="trend-heading">Open findings, last 30 days</h2>
      <QueryView query={q} what="the trend" unavailableOn404="The findings trend">
        {(r) =>
          r.days.length ? (
            <TrendChart days={r.days} />
          ) : (
            <p className="state state-empty">No daily counts yet: the first is taken today.</p>
          )
        }
      </QueryView>
    </section>
  );
}

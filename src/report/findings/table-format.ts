import type { Finding } from '../../findings/finding-types.js';
import { SEVERITIES } from '../../risk/severity-band.js';
import {
  countBySeverity,
  sortFindings,
  type FindingsFormat,
  type FindingsReport,
} from './findings-report.js';

/** The table fits 100 columns: id 20, package 24, installed 20, fixed 20, score 5, flags 3, plus gaps. */
export const TABLE_WIDTH = 100;
const COLS = [
  { title: 'VULNERABILITY', width: 20 },
  { title: 'PACKAGE', width: 24 },
  { title: 'INSTALLED', width: 20 },
  { title: 'FIXED IN', width: 20 },
  { title: 'SCORE', width: 5 },
  { title: 'KEV', width: 3 },
] as const;

/** Cuts to width with an ellipsis, so columns never shift. */
export function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

function line(cells: readonly string[]): string {
  return cells
    .map((c, i) => fit(c, COLS[i]?.width ?? 10))
    .join(' ')
    .trimEnd();
}

function findingLines(f: Finding): string[] {
  const d = f.packageVulnerabilityDetails;
  const pkgs = d?.vulnerablePackages ?? [];
  const first = pkgs[0];
  const name = first
    ? first.sourceName && first.sourceName !== first.name
      ? first.sourceName
      : first.name
    : '';
  const extra = pkgs.length > 1 ? ` +${pkgs.length - 1}` : '';
  const installed = first ? (first.sourceVersion ?? first.version) : '';
  const fixed = first?.fixedInVersion === 'NotAvailable' ? '(no fix)' : (first?.fixedInVersion ?? '');
  return [
    line([
      d?.vulnerabilityId ?? f.title,
      name + extra,
      installed,
      fixed,
      f.score !== undefined ? f.score.toFixed(1) : '-',
      f.exploitAvailable === 'YES' ? 'yes' : '',
    ]),
  ];
}

export function summaryLine(report: FindingsReport): string {
  const counts = countBySeverity(report.findings);
  const parts = [...SEVERITIES]
    .reverse()
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`);
  const fixable = report.findings.filter((f) => f.fixAvailable !== 'NO').length;
  const kev = report.findings.filter((f) => f.exploitAvailable === 'YES').length;
  const total = report.findings.length;
  let s = `${total} finding${total === 1 ? '' : 's'} in ${report.packageCount} packages`;
  if (parts.length) s += ` (${parts.join(', ')})`;
  s += `; ${fixable} fixable, ${kev} known exploited`;
  if (report.ignored.length) s += `; ${report.ignored.length} ignored by rules`;
  return s;
}

/** Wraps at `; ` boundaries so the summary stays within the width. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const part of text.split('; ')) {
    const next = cur ? `${cur}; ${part}` : part;
    if (next.length > width && cur) {
      out.push(`${cur};`);
      cur = `  ${part}`;
    } else cur = next;
  }
  if (cur) out.push(cur);
  return out.map((l) => fit(l, width).trimEnd());
}

/** Human output: grouped by severity (highest first), one line per finding, a summary line last. */
export const tableFormat: FindingsFormat = {
  name: 'table',
  mediaType: 'text/plain',
  render(report) {
    const out: string[] = [];
    const sorted = sortFindings(report.findings);
    for (const sev of [...SEVERITIES].reverse()) {
      const group = sorted.filter((f) => f.severity === sev);
      if (group.length === 0) continue;
      out.push(`${sev} (${group.length})`);
      out.push(line(COLS.map((c) => c.title)));
      for (const f of group) out.push(...findingLines(f));
      out.push('');
    }
    for (const n of report.notes) out.push(fit(`note: ${n.message}`, TABLE_WIDTH).trimEnd());
    for (const a of report.ignored)
      out.push(fit(`ignored: ${a.vulnerabilityId} (${a.ruleId}: ${a.reason})`, TABLE_WIDTH).trimEnd());
    out.push(...wrap(summaryLine(report), TABLE_WIDTH));
    return out.join('\n') + '\n';
  },
};

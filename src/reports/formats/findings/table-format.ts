import { appendAll } from '../../../core/append-all.js';
import { appendTo } from '../../../core/multi-map.js';
import type { Finding } from '../../../findings/finding-types.js';
import { SEVERITIES } from '../../../risk/severity-band.js';
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
    // A finding a VEX statement suppresses stays listed, with the statement's reason under it.
    ...(f.status === 'SUPPRESSED' && f.suppression
      ? [fit(`  suppressed: ${f.suppression.reason}`, TABLE_WIDTH).trimEnd()]
      : []),
  ];
}

/** Two lines at most: totals first, then counts per severity; both fit the table width. */
export function summaryLines(report: FindingsReport): string[] {
  const counts = countBySeverity(report.findings);
  const total = report.findings.length;
  const fixable = report.findings.filter((f) => f.fixAvailable !== 'NO').length;
  const kev = report.findings.filter((f) => f.exploitAvailable === 'YES').length;
  let head = `${total} finding${total === 1 ? '' : 's'} in ${report.packageCount} packages: ${fixable} fixable, ${kev} known exploited`;
  if (report.ignored.length) head += `, ${report.ignored.length} ignored by rules`;
  const suppressed = report.findings.filter((f) => f.status === 'SUPPRESSED').length;
  if (suppressed) head += `, ${suppressed} suppressed by VEX`;
  const bySeverity = [...SEVERITIES]
    .reverse()
    .filter((s) => counts[s] > 0)
    .map((s) => `${s} ${counts[s]}`)
    .join(', ');
  return [head, ...(bySeverity ? [bySeverity] : [])].map((l) => fit(l, TABLE_WIDTH).trimEnd());
}

/** Notes of one kind are counted, with a few examples: a host with 40 odd versions stays readable. */
export function noteLines(notes: FindingsReport['notes'], examples = 3): string[] {
  const byKind = new Map<string, string[]>();
  for (const n of notes) appendTo(byKind, n.kind, n.message);
  const out: string[] = [];
  for (const [kind, messages] of byKind) {
    if (messages.length <= examples) for (const m of messages) out.push(`note: ${m}`);
    else {
      out.push(`note: ${messages.length} × ${kind}, e.g.:`);
      for (const m of messages.slice(0, examples)) out.push(`  ${m}`);
    }
  }
  return out.map((l) => fit(l, TABLE_WIDTH).trimEnd());
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
      for (const f of group) appendAll(out, findingLines(f));
      out.push('');
    }
    appendAll(out, noteLines(report.notes));
    for (const a of report.ignored)
      out.push(fit(`ignored: ${a.vulnerabilityId} (${a.ruleId}: ${a.reason})`, TABLE_WIDTH).trimEnd());
    appendAll(out, summaryLines(report));
    return out.join('\n') + '\n';
  },
};

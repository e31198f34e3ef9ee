import {
  summarize,
  type AssessmentSummary,
  type CheckResult,
  type CheckStatus,
} from '../model/check-result.js';
import type { AssessmentFormat, AssessmentReport } from './assessment-format.js';
import { STATUS_COLOURS, STATUS_LABELS, summaryChartSvg, summaryText } from './assessment-chart-svg.js';

/** One assessed resource of a report: a host, a root filesystem. */
export interface AssessedTarget {
  description: string;
  mode: 'rootfs' | 'host';
  results: readonly CheckResult[];
}

/** What an HTML (and so PDF) assessment report shows: one benchmark over one or more targets. */
export interface AssessmentDocument {
  title: string;
  benchmark: { id: string; title: string; source: string };
  level: number;
  profile: string;
  tool: { name: string; version: string };
  /** When the results were produced, as ISO text (shown as given; never the render time, for reproducibility). */
  producedAt?: string;
  targets: readonly AssessedTarget[];
}

const ORDER: readonly CheckStatus[] = ['FAILED', 'ERROR', 'SKIPPED', 'NOT_APPLICABLE', 'PASSED'];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Every text from a target (file contents quoted in a reason, host names) is data, never markup. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10px; color: #222; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 18px 0 6px; break-after: avoid; }
.meta { color: #555; margin-bottom: 10px; }
table { border-collapse: collapse; width: 100%; } thead { display: table-header-group; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 4px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } tr { break-inside: avoid; }
.st { font-weight: bold; white-space: nowrap; }
/* ids are copied into tickets and searches: never wrapped (a break at a hyphen would read as part of it) */
.id { white-space: nowrap; font-family: "DejaVu Sans Mono", monospace; font-size: 8.5px; } .fix { color: #444; font-style: italic; }
.targets td.n { text-align: right; }
`;

/** The report as one self-contained HTML page: no script, no external resource, styles inline. */
export function renderAssessmentHtml(doc: AssessmentDocument): string {
  const all = summarize(doc.targets.flatMap((t) => t.results));
  const produced = doc.producedAt ? ` · results of ${esc(doc.producedAt)}` : '';
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(doc.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${esc(doc.title)}</h1>`,
    `<div class="meta">${esc(doc.benchmark.title)} · level ${doc.level} · profile ${esc(doc.profile)} · ` +
      `${doc.targets.length} target${doc.targets.length === 1 ? '' : 's'} · ${esc(doc.tool.name)} ${esc(doc.tool.version)}${produced}</div>`,
    `<div class="meta">Benchmark source: ${esc(doc.benchmark.source)}</div>`,
    summaryChartSvg(all),
    `<p>${esc(summaryText(all))}.</p>`,
    doc.targets.length > 1 ? targetsTable(doc.targets) : '',
    ...doc.targets.map(targetSection),
    '</body></html>',
  ].join('\n');
}

function targetsTable(targets: readonly AssessedTarget[]): string {
  const rows = targets.map((t) => {
    const s = summarize(t.results);
    const cells = ORDER.map((st) => `<td class="n">${s.counts[st]}</td>`).join('');
    return `<tr><td>${esc(t.description)}</td>${cells}</tr>`;
  });
  const head = ORDER.map((st) => `<th>${STATUS_LABELS[st]}</th>`).join('');
  return `<h2>By target</h2><table class="targets"><thead><tr><th>Target</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function targetSection(t: AssessedTarget): string {
  const s: AssessmentSummary = summarize(t.results);
  const sorted = [...t.results].sort(
    (a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.checkId.localeCompare(b.checkId),
  );
  return [
    `<h2>${esc(t.description)} (${t.mode === 'host' ? 'live host' : 'root filesystem'})</h2>`,
    `<p>${esc(summaryText(s))}.</p>`,
    '<table><thead><tr><th>Status</th><th>Section</th><th>Check</th><th>What was found</th></tr></thead><tbody>',
    ...sorted.map(checkRow),
    '</tbody></table>',
  ].join('\n');
}

function checkRow(c: CheckResult): string {
  const fix = c.status === 'FAILED' ? `<div class="fix">Remediation: ${esc(c.remediation)}</div>` : '';
  const sev = c.severity ? ` · ${esc(c.severity)}` : '';
  return (
    `<tr><td class="st" style="color:${STATUS_COLOURS[c.status]}">${STATUS_LABELS[c.status]}</td>` +
    `<td>${esc(c.cisSection ?? '-')}</td>` +
    `<td><div>${esc(c.title)}</div><div class="meta"><span class="id">${esc(c.checkId)}</span> · level ${c.level}${sev}</div></td>` +
    `<td>${esc(c.statusReason)}${fix}</td></tr>`
  );
}

/** One `vigil assess` result as a document of one target. */
export function documentOfReport(r: AssessmentReport): AssessmentDocument {
  return {
    title: `Configuration assessment: ${r.target.description}`,
    benchmark: r.benchmark,
    level: r.level,
    profile: r.profile,
    tool: r.tool,
    targets: [{ description: r.target.description, mode: r.target.mode, results: r.results }],
  };
}

/** `--format html`: the page the PDF is printed from, usable on its own. */
export const htmlAssessmentFormat: AssessmentFormat = {
  name: 'html',
  render: (r) => renderAssessmentHtml(documentOfReport(r)),
};

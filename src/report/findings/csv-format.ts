import type { Finding, VulnerablePackage } from '../../findings/finding-types.js';
import { sortFindings, type FindingsFormat } from './findings-report.js';

export const CSV_COLUMNS = [
  'findingId',
  'vulnerabilityId',
  'severity',
  'score',
  'vendorSeverity',
  'packageName',
  'packageVersion',
  'sourceName',
  'fixedInVersion',
  'fixAvailable',
  'exploitAvailable',
  'epss',
  'filePath',
  'purl',
  'relatedVulnerabilities',
  'title',
] as const;

/** RFC 4180: quote when needed, double inner quotes; a leading =,+,-,@ is prefixed so spreadsheets do not run it. */
export function csvField(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function row(f: Finding, p: VulnerablePackage): string[] {
  const d = f.packageVulnerabilityDetails;
  return [
    f.id,
    d?.vulnerabilityId ?? '',
    f.severity,
    f.score !== undefined ? String(f.score) : '',
    d?.vendorSeverity ?? '',
    p.name,
    p.version,
    p.sourceName ?? '',
    p.fixedInVersion,
    f.fixAvailable,
    f.exploitAvailable,
    f.epss ? String(f.epss.score) : '',
    p.filePath,
    p.purl,
    (d?.relatedVulnerabilities ?? []).join(' '),
    f.title,
  ];
}

/** One line per (finding, vulnerable package), as Inspector's CSV export does. */
export const csvFormat: FindingsFormat = {
  name: 'csv',
  mediaType: 'text/csv',
  render(report) {
    const lines = [CSV_COLUMNS.join(',')];
    for (const f of sortFindings(report.findings)) {
      for (const p of f.packageVulnerabilityDetails?.vulnerablePackages ?? [])
        lines.push(row(f, p).map(csvField).join(','));
    }
    return lines.join('\r\n') + '\r\n';
  },
};

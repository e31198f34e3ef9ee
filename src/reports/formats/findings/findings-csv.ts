import { stringify } from 'csv-stringify/sync';
import type { Finding, VulnerablePackage } from '../../../findings/finding-types.js';

/**
 * THE findings CSV columns, for `vigil scan --format csv` and the service's CSV reports alike. Stable:
 * consumers parse by header, so columns are only ever appended.
 */
export const FINDINGS_CSV_COLUMNS = [
  'accountId',
  'findingId',
  'status',
  'severity',
  'score',
  'title',
  'vulnerabilityId',
  'packageName',
  'installedVersion',
  'fixedInVersion',
  'packageManager',
  'resourceId',
  'resourceType',
  'repositoryName',
  'fixAvailable',
  'exploitAvailable',
  'epss',
  'firstObservedAt',
  'lastObservedAt',
  'updatedAt',
  'vendorSeverity',
  'sourceName',
  'filePath',
  'purl',
  'relatedVulnerabilities',
] as const;

type Cell = string | number;

/**
 * One row per (finding, vulnerable package), as Inspector's CSV export does; a finding with no package
 * (network reachability) is one row with empty package cells. A stored finding has one package and one
 * resource, so the service's reports have one row per finding.
 */
export function findingCsvRecords(f: Finding): Cell[][] {
  const packages = f.packageVulnerabilityDetails?.vulnerablePackages ?? [];
  return (packages.length > 0 ? packages : [undefined]).map((p) => record(f, p));
}

function record(f: Finding, p: VulnerablePackage | undefined): Cell[] {
  const d = f.packageVulnerabilityDetails;
  const r = f.resources[0];
  const repo = r?.details['repositoryName'];
  return [
    f.accountId,
    f.id,
    f.status,
    f.severity,
    f.score ?? '',
    f.title,
    d?.vulnerabilityId ?? '',
    p?.name ?? '',
    p?.version ?? '',
    p?.fixedInVersion ?? '',
    p?.packageManager ?? '',
    r?.id ?? '',
    r?.type ?? '',
    typeof repo === 'string' ? repo : '',
    f.fixAvailable,
    f.exploitAvailable,
    f.epss?.score ?? '',
    f.firstObservedAt,
    f.lastObservedAt,
    f.updatedAt,
    d?.vendorSeverity ?? '',
    p?.sourceName ?? '',
    p?.filePath ?? '',
    p?.purl ?? '',
    (d?.relatedVulnerabilities ?? []).join(' '),
  ];
}

/** What spreadsheets read as the start of a formula (OWASP's CSV injection list), after any quotes. */
const FORMULA_START = /^"*[=+\-@\t\r]/;

/**
 * A text cell made inert: a `'` before every line of it that would start a formula. Every line, not
 * only the first: a spreadsheet that splits a cell on its line breaks (or a reader that ignores the
 * quotes) would otherwise run `=1+1` from `x\n=1+1`. Numbers are left alone.
 */
export function inertCell(cell: Cell): Cell {
  if (typeof cell !== 'string') return cell;
  return cell
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 0 && FORMULA_START.test(part) ? `'${part}` : part))
    .join('');
}

/**
 * RFC 4180 through csv-stringify (quotes, doubled quotes) with CRLF records. csv-stringify quotes a
 * cell that holds the record delimiter, which with CRLF records misses a bare LF or CR: `quoted_match`
 * quotes every cell holding either. Formula guarding is ours (`inertCell`, every line of a cell), not
 * csv-stringify's `escape_formulas`, which looks at the first character only.
 */
export function findingsCsv(findings: readonly Finding[], withHeader: boolean): string {
  const records: Cell[][] = [];
  for (const f of findings) for (const r of findingCsvRecords(f)) records.push(r.map(inertCell));
  return stringify(records, {
    header: withHeader,
    columns: [...FINDINGS_CSV_COLUMNS],
    quoted_match: /[\r\n]/,
    record_delimiter: 'windows',
  });
}

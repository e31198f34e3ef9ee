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

/**
 * RFC 4180 through csv-stringify (quotes, doubled quotes, embedded newlines). `escape_formulas` puts a
 * `'` before text cells starting with = + - @ tab or CR, so a spreadsheet shows a package or title an
 * attacker chose instead of running it; numbers are left alone.
 */
export function findingsCsv(findings: readonly Finding[], withHeader: boolean): string {
  return stringify(findings.flatMap(findingCsvRecords), {
    header: withHeader,
    columns: [...FINDINGS_CSV_COLUMNS],
    escape_formulas: true,
    record_delimiter: 'windows',
  });
}

import { stringify } from 'csv-stringify/sync';
import type { Finding } from '../findings/finding-types.js';

/** The report CSV's columns, in order. Stable: consumers parse by header, so only ever append. */
export const REPORT_CSV_COLUMNS = [
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
] as const;

type Cell = string | number;

/** One row per finding: a stored finding has one vulnerable package and one resource. */
export function findingCsvRecord(f: Finding): Cell[] {
  const d = f.packageVulnerabilityDetails;
  const p = d?.vulnerablePackages[0];
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
  ];
}

/**
 * RFC 4180 through csv-stringify (quotes, doubled quotes, embedded newlines). `escape_formulas` puts a
 * `'` before text cells starting with = + - @ tab or CR, so a spreadsheet shows a package or title an
 * attacker chose instead of running it; numbers are left alone.
 */
export function findingsCsv(findings: readonly Finding[], withHeader: boolean): string {
  return stringify(findings.map(findingCsvRecord), {
    header: withHeader,
    columns: [...REPORT_CSV_COLUMNS],
    escape_formulas: true,
    record_delimiter: 'windows',
  });
}

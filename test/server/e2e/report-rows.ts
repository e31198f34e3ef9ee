import { parse } from 'csv-parse/sync';
import type { Finding } from '../../../src/findings/finding-types.js';
import { packageOf } from './api-helpers.js';

/** The columns the test compares: finding id, account, severity, status, package name. */
export type ReportRow = [
  id: string,
  accountId: string,
  severity: string,
  status: string,
  packageName: string,
];

export function rowOfFinding(f: Finding): ReportRow {
  return [f.id, f.accountId, f.severity, f.status, packageOf(f)];
}

/** The CSV has a row per vulnerable package of a finding (a package-less finding is one row). */
export function csvRowsOfFinding(f: Finding): ReportRow[] {
  const names = (f.packageVulnerabilityDetails?.vulnerablePackages ?? []).map((p) => p.name);
  return (names.length ? names : ['']).map((name) => [f.id, f.accountId, f.severity, f.status, name]);
}

/** A CSV report read by an independent RFC 4180 parser (csv-parse), columns found by header name. */
export function csvReportRows(text: string): ReportRow[] {
  const records: string[][] = parse(text, { bom: true });
  const header = records.shift();
  if (!header) throw new Error('empty CSV report');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`CSV report has no column ${name} in ${JSON.stringify(header)}`);
    return i;
  };
  const cols = ['findingId', 'accountId', 'severity', 'status', 'packageName'].map(col);
  return records.map((r) => cols.map((i) => r[i] ?? '') as ReportRow);
}

/** A JSON report: findings in the API's own shape, as an array or under `findings`. */
export function jsonReportRows(text: string): ReportRow[] {
  const doc = JSON.parse(text) as Finding[] | { findings: Finding[] };
  const findings = Array.isArray(doc) ? doc : doc.findings;
  return findings.map(rowOfFinding);
}
